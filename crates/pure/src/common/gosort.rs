//! Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19 and later), step for step. It
//! is not stable: kubectl sorts events with it, and events that tie on their timestamp
//! (common at one-second resolution) come out in the order this algorithm leaves them,
//! so printing them as kubectl does needs the same algorithm, not any correct sort.

/// Sorts `v` exactly as Go's `sort.Sort` would with this `less`.
pub fn sort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let limit = usize::BITS - n.leading_zeros();
    let mut d = Data { v, less: &less };
    pdqsort(&mut d, 0, n, limit as usize);
}

struct Data<'a, T, F: Fn(&T, &T) -> bool> {
    v: &'a mut [T],
    less: &'a F,
}

impl<T, F: Fn(&T, &T) -> bool> Data<'_, T, F> {
    fn less(&self, i: usize, j: usize) -> bool {
        (self.less)(&self.v[i], &self.v[j])
    }
    fn swap(&mut self, i: usize, j: usize) {
        self.v.swap(i, j);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn insertion_sort<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && d.less(j, j - 1) {
            d.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sift_down<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, lo: usize, hi: usize, first: usize) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && d.less(first + child, first + child + 1) {
            child += 1;
        }
        if !d.less(first + root, first + child) {
            return;
        }
        d.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) {
    let (first, lo, hi) = (a, 0, b - a);
    for i in (0..=(hi - 1) / 2).rev() {
        sift_down(d, i, hi, first);
    }
    for i in (0..hi).rev() {
        d.swap(first, first + i);
        sift_down(d, lo, i, first);
    }
}

fn pdqsort<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, mut a: usize, mut b: usize, mut limit: usize) {
    const MAX_INSERTION: usize = 12;
    let (mut was_balanced, mut was_partitioned) = (true, true);
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(d, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(d, a, b);
            return;
        }
        if !was_balanced {
            break_patterns(d, a, b);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(d, a, b);
        if hint == Hint::Decreasing {
            reverse_range(d, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced && was_partitioned && hint == Hint::Increasing && partial_insertion_sort(d, a, b) {
            return;
        }
        if a > 0 && !d.less(a - 1, pivot) {
            a = partition_equal(d, a, b, pivot);
            continue;
        }
        let (mid, already) = partition(d, a, b, pivot);
        was_partitioned = already;
        let (left, right) = (mid - a, b - mid);
        let threshold = length / 8;
        if left < right {
            was_balanced = left >= threshold;
            pdqsort(d, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right >= threshold;
            pdqsort(d, mid + 1, b, limit);
            b = mid;
        }
    }
}

fn partition<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize, pivot: usize) -> (usize, bool) {
    d.swap(a, pivot);
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    let less = |d: &Data<'_, T, F>, x: isize| d.less(x as usize, a);
    while i <= j && less(d, i) {
        i += 1;
    }
    while i <= j && !less(d, j) {
        j -= 1;
    }
    if i > j {
        d.swap(j as usize, a);
        return (j as usize, true);
    }
    d.swap(i as usize, j as usize);
    i += 1;
    j -= 1;
    loop {
        while i <= j && less(d, i) {
            i += 1;
        }
        while i <= j && !less(d, j) {
            j -= 1;
        }
        if i > j {
            break;
        }
        d.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    d.swap(j as usize, a);
    (j as usize, false)
}

fn partition_equal<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize, pivot: usize) -> usize {
    d.swap(a, pivot);
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    loop {
        while i <= j && !d.less(a, i as usize) {
            i += 1;
        }
        while i <= j && d.less(a, j as usize) {
            j -= 1;
        }
        if i > j {
            break;
        }
        d.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    i as usize
}

fn partial_insertion_sort<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !d.less(i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        d.swap(i, i - 1);
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            for j in i + 1..b {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
            }
        }
    }
    false
}

fn break_patterns<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) {
    let length = b - a;
    if length < 8 {
        return;
    }
    let mut random = length as u64;
    let modulus = 1usize << (usize::BITS - length.leading_zeros());
    for idx in a + (length / 4) * 2 - 1..=a + (length / 4) * 2 + 1 {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut other = (random as usize) & (modulus - 1);
        if other >= length {
            other -= length;
        }
        d.swap(idx, a + other);
    }
}

fn choose_pivot<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let (mut i, mut j, mut k) = (a + l / 4, a + l / 4 * 2, a + l / 4 * 3);
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median(d, i - 1, i, i + 1, &mut swaps);
            j = median(d, j - 1, j, j + 1, &mut swaps);
            k = median(d, k - 1, k, k + 1, &mut swaps);
        }
        j = median(d, i, j, k, &mut swaps);
    }
    match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    }
}

fn order2<T, F: Fn(&T, &T) -> bool>(d: &Data<'_, T, F>, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
    if d.less(b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median<T, F: Fn(&T, &T) -> bool>(d: &Data<'_, T, F>, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
    let (a, b) = order2(d, a, b, swaps);
    let (b, c) = order2(d, b, c, swaps);
    let _ = c;
    let (_, b) = order2(d, a, b, swaps);
    b
}

fn reverse_range<T, F: Fn(&T, &T) -> bool>(d: &mut Data<'_, T, F>, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_every_shape() {
        for n in [0usize, 1, 2, 7, 12, 13, 49, 50, 51, 200, 1000] {
            let patterns: Vec<Vec<u32>> = vec![
                (0..n as u32).collect(),
                (0..n as u32).rev().collect(),
                (0..n as u32).map(|i| (i * 7919) % 97).collect(),
                (0..n as u32).map(|i| i % 3).collect(),
                (0..n as u32).map(|i| if i % 10 == 0 { 0 } else { i }).collect(),
            ];
            for mut v in patterns {
                let mut expected = v.clone();
                expected.sort();
                sort(&mut v, |a, b| a < b);
                assert_eq!(v, expected, "n={n}");
            }
        }
    }

    #[test]
    fn short_runs_keep_the_order_of_ties() {
        // Up to 12 elements Go uses insertion sort, which keeps ties in order.
        let mut v: Vec<(u8, char)> = vec![(1, 'a'), (0, 'b'), (1, 'c'), (0, 'd'), (1, 'e')];
        sort(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, [(0, 'b'), (0, 'd'), (1, 'a'), (1, 'c'), (1, 'e')]);
    }

    #[test]
    fn ties_come_out_as_kubectl_prints_them() {
        // Real kubectl's order of events tied on their timestamp (tools/gen_gosort_cases.py).
        let cases = include_str!("testdata/gosort_cases.txt");
        let mut checked = 0;
        for line in cases.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (keys, order) = line.split_once(" => ").expect("KEYS => ORDER");
            let numbers =
                |s: &str| s.split_whitespace().map(|w| w.parse::<usize>().expect("a number")).collect::<Vec<_>>();
            let (keys, order) = (numbers(keys), numbers(order));
            let mut v: Vec<usize> = (0..keys.len()).collect();
            sort(&mut v, |a, b| keys[*a] < keys[*b]);
            assert_eq!(v, order, "keys {keys:?}");
            checked += 1;
        }
        assert!(checked > 60, "{checked} cases");
    }

    #[test]
    fn the_heap_sort_fallback_sorts() {
        for n in [1usize, 2, 3, 7, 64, 257] {
            for shape in 0..3u64 {
                let mut v: Vec<u64> = (0..n as u64).map(|i| (i * 7919 + shape * 13) % (11 + shape * 40)).collect();
                let mut want = v.clone();
                want.sort();
                let less = |a: &u64, b: &u64| a < b;
                let mut d = Data { v: &mut v, less: &less };
                heap_sort(&mut d, 0, n);
                assert_eq!(v, want, "n={n} shape={shape}");
            }
        }
        // Only the range asked for is sorted.
        let mut v = vec![9, 8, 3, 1, 2, 0];
        let less = |a: &i32, b: &i32| a < b;
        heap_sort(&mut Data { v: &mut v, less: &less }, 1, 5);
        assert_eq!(v, [9, 1, 2, 3, 8, 0]);
    }

    /// McIlroy's adversary ("A killer adversary for quicksort") decides comparisons as the
    /// sort asks, to make partitions lopsided; a plain quicksort then takes about n²/2.
    /// pdqsort's pattern breaking keeps it near n log n (14,215 comparisons for 2,000).
    #[test]
    fn an_adversary_cannot_make_it_quadratic() {
        use std::cell::{Cell, RefCell};
        let n = 2000usize;
        let gas = usize::MAX;
        let val = RefCell::new(vec![gas; n]);
        let (solid, candidate, comparisons) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
        let freeze = |x: usize| {
            val.borrow_mut()[x] = solid.get();
            solid.set(solid.get() + 1);
        };
        let less = |x: &usize, y: &usize| {
            comparisons.set(comparisons.get() + 1);
            let (vx, vy) = (val.borrow()[*x], val.borrow()[*y]);
            if vx == gas && vy == gas {
                freeze(if *x == candidate.get() { *x } else { *y });
            }
            let (vx, vy) = (val.borrow()[*x], val.borrow()[*y]);
            if vx == gas {
                candidate.set(*x);
            } else if vy == gas {
                candidate.set(*y);
            }
            vx < vy
        };
        let mut v: Vec<usize> = (0..n).collect();
        sort(&mut v, less);
        let vals = val.borrow();
        assert!(v.windows(2).all(|w| vals[w[0]] <= vals[w[1]]), "sorted by the adversary's answers");
        assert!(comparisons.get() < 60_000, "{} comparisons for {n} items", comparisons.get());
    }
}
