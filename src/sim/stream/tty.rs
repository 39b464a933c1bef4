//! The terminal's line discipline for a `-t` session: the container's tty echoes what is
//! typed, edits the line (backspace, Ctrl-U), and hands whole lines to the reader; Ctrl-C
//! interrupts and Ctrl-D ends input. Escape sequences (arrow keys) are swallowed.

use crate::sim::userland::io::Input;

#[derive(Debug, Default)]
pub struct Discipline {
    line: Vec<u8>,
    /// Inside an escape sequence: 1 after ESC, 2 after `ESC [`.
    escape: u8,
}

impl Discipline {
    /// Feeds typed bytes; returns what to echo and what the reader gets.
    pub fn feed(&mut self, bytes: &[u8]) -> (Vec<u8>, Vec<Input>) {
        let mut echo = Vec::new();
        let mut inputs = Vec::new();
        for &b in bytes {
            match (self.escape, b) {
                (1, b'[' | b'O') => {
                    self.escape = 2;
                    continue;
                }
                (1, _) => {
                    self.escape = 0;
                    continue;
                }
                (2, 0x40..=0x7e) => {
                    self.escape = 0;
                    continue;
                }
                (2, _) => continue,
                _ => {}
            }
            match b {
                0x1b => self.escape = 1,
                0x03 => {
                    self.line.clear();
                    echo.extend_from_slice(b"^C\r\n");
                    inputs.push(Input::Interrupt);
                }
                0x04 => {
                    if self.line.is_empty() {
                        inputs.push(Input::Eof);
                    } else {
                        inputs.push(Input::Data(std::mem::take(&mut self.line)));
                    }
                }
                0x7f | 0x08 if !self.line.is_empty() => {
                    // Removes one character, however many UTF-8 bytes it took.
                    while let Some(last) = self.line.pop() {
                        if last & 0xc0 != 0x80 {
                            break;
                        }
                    }
                    echo.extend_from_slice(b"\x08 \x08");
                }
                0x7f | 0x08 => {}
                0x15 => {
                    for _ in String::from_utf8_lossy(&self.line).chars() {
                        echo.extend_from_slice(b"\x08 \x08");
                    }
                    self.line.clear();
                }
                b'\r' | b'\n' => {
                    echo.extend_from_slice(b"\r\n");
                    let mut line = std::mem::take(&mut self.line);
                    line.push(b'\n');
                    inputs.push(Input::Data(line));
                }
                b'\t' => {}
                b if b < 0x20 => {}
                b => {
                    self.line.push(b);
                    echo.push(b);
                }
            }
        }
        (echo, inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_editing_and_control_keys() {
        let mut d = Discipline::default();
        let (echo, inputs) = d.feed(b"lss\x7f /\r");
        assert_eq!(echo, b"lss\x08 \x08 /\r\n");
        assert_eq!(inputs, vec![Input::Data(b"ls /\n".to_vec())]);
        let (echo, inputs) = d.feed(b"sleep 9\x03");
        assert_eq!(echo, b"sleep 9^C\r\n");
        assert_eq!(inputs, vec![Input::Interrupt]);
        assert_eq!(d.feed(b"\x04").1, vec![Input::Eof]);
        assert_eq!(d.feed(b"ab\x04").1, vec![Input::Data(b"ab".to_vec())]);
        let (echo, inputs) = d.feed(b"x\x1b[Ay\x1bOBz\x15\t\n");
        assert_eq!(echo, b"xyz\x08 \x08\x08 \x08\x08 \x08\r\n");
        assert_eq!(inputs, vec![Input::Data(b"\n".to_vec())]);
        assert_eq!(d.feed(b"\x7f").0, b"");
        let (_, inputs) = d.feed("é\x7f!\r".as_bytes());
        assert_eq!(inputs, vec![Input::Data(b"!\n".to_vec())]);
    }
}
