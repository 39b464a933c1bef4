# Shared by the .ci scripts (sourced): installing Debian packages, and the C compiler and
# linker each cross target needs here (ring and aws-lc compile C).

# apt_install PKG...: installs the packages (through sudo when not root).
apt_install() {
  [ $# -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "$@" >/dev/null
}

# cross_env TARGET: exports the compiler and linker TARGET builds with, and appends the
# Debian package that provides them to the array `need` when it is missing.
cross_env() {
  case "$1" in
    x86_64-unknown-linux-musl)
      command -v musl-gcc >/dev/null 2>&1 || need+=(musl-tools)
      export CC_x86_64_unknown_linux_musl=musl-gcc ;;
    aarch64-unknown-linux-gnu)
      command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
      export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
      export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc ;;
    x86_64-pc-windows-gnu)
      command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64) ;;
  esac
}
