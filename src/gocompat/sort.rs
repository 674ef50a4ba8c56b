//! Go's `sort.Sort`, reproduced step for step: the pattern-defeating quicksort of Go 1.19 and later
//! (`src/sort/zsortinterface.go`), with the 64-bit xorshift of current Go in its pattern breaker.
//!
//! Karmada sorts clusters with `sort.Sort`, which is not stable above 12 elements: clusters that compare
//! equal end in an order that depends on the algorithm's exact steps, and that order decides which
//! clusters receive replicas (Aggregated's prefix). `go_sort` gives the same permutation as Go for the
//! same input and the same `less`.
//!
//! Deliberately not here: `sort.Stable` and `sort.Slice` (Karmada's results do not depend on them), and
//! any choice of what to sort or by which order: the caller passes Go's `Less`.

/// Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19+, with the 64-bit xorshift of current Go),
/// reproduced step for step so that elements that compare equal end in the same order as in Karmada.
/// Insertion sort, hence stable, up to 12 elements.
pub(crate) fn go_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    if n <= 1 {
        return;
    }
    let limit = bits_len(n);
    let mut sorter = GoSort { data, less };
    sorter.pdqsort(0, n, limit);
}

fn bits_len(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

struct GoSort<'a, T, F> {
    data: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> GoSort<'_, T, F> {
    fn lt(&self, i: usize, j: usize) -> bool {
        (self.less)(&self.data[i], &self.data[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.data.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.lt(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.lt(first + child, first + child + 1) {
                child += 1;
            }
            if !self.lt(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let hi = b - a;
        if hi == 0 {
            return;
        }
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, a);
        }
        for i in (0..hi).rev() {
            self.swap(a, a + i);
            self.sift_down(0, i, a);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        const MAX_INSERTION: usize = 12;
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.lt(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left, right) = (mid - a, b - mid);
            let threshold = length / 8;
            if left < right {
                was_balanced = left >= threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Requires b - a >= 2 (pdqsort only partitions more than 12 elements).
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        while i <= j && self.lt(i, a) {
            i += 1;
        }
        while i <= j && !self.lt(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.lt(i, a) {
                i += 1;
            }
            while i <= j && !self.lt(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        loop {
            while i <= j && !self.lt(a, i) {
                i += 1;
            }
            while i <= j && self.lt(a, j) {
                j -= 1;
            }
            if i > j {
                return i;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }

    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.lt(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            // Shift the smaller one to the left (Go walks down to index 1, not to `a`).
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.lt(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            // Shift the greater one to the right.
            if b - i >= 2 {
                for j in i + 1..b {
                    if !self.lt(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length >= 8 {
            let mut random = length as u64;
            let modulus = 1usize << bits_len(length);
            let middle = a + (length / 4) * 2;
            for idx in middle - 1..=middle + 1 {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                let mut other = (random as usize) & (modulus - 1);
                if other >= length {
                    other -= length;
                }
                self.swap(idx, a + other);
            }
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => Hint::Increasing,
            MAX_SWAPS => Hint::Decreasing,
            _ => Hint::Unknown,
        };
        (j, hint)
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.lt(b, a) {
            *swaps += 1;
            (b, a)
        } else {
            (a, b)
        }
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, _) = self.order2(b, c, swaps);
        let (_, b) = self.order2(a, b, swaps);
        b
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{ProptestConfig, prop_assert, prop_assert_eq, proptest};

    /// Go's sort.Sort on (available desc), permutations recorded from Go's implementation.
    #[test]
    fn go_sort_matches_recorded_permutations() {
        let cases: Vec<(Vec<i32>, Vec<usize>)> = vec![
            (vec![10; 15], (0..15).collect()),
            (
                (0..30).map(|i| (i * 7) % 4).collect(),
                vec![
                    9, 1, 29, 25, 21, 5, 17, 13, 14, 18, 10, 22, 2, 6, 26, 15, 27, 7, 11, 19, 3,
                    23, 0, 4, 24, 20, 16, 8, 28, 12,
                ],
            ),
            (
                (0..13).map(|i| i % 2).collect(),
                vec![9, 1, 3, 5, 7, 11, 2, 4, 6, 8, 0, 10, 12],
            ),
            (
                (0..12).map(|i| i % 3).collect(),
                vec![2, 5, 8, 11, 1, 4, 7, 10, 0, 3, 6, 9],
            ),
            (
                {
                    let mut v: Vec<i32> = (0..60).map(|i| 60 - i).collect();
                    v.swap(1, 58);
                    v
                },
                {
                    let mut p: Vec<usize> = (0..60).collect();
                    p.swap(1, 58);
                    p
                },
            ),
        ];
        for (values, want) in cases {
            let mut v: Vec<(usize, i32)> = values.iter().copied().enumerate().collect();
            go_sort(&mut v, |a, b| a.1 > b.1);
            let got: Vec<usize> = v.iter().map(|x| x.0).collect();
            assert_eq!(got, want, "{values:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn go_sort_sorts_and_is_stable_up_to_12(
            values in proptest::collection::vec(0i32..6, 0..80),
        ) {
            let mut v: Vec<(usize, i32)> = values.iter().copied().enumerate().collect();
            go_sort(&mut v, |a, b| a.1 > b.1);
            prop_assert!(v.windows(2).all(|p| p[0].1 >= p[1].1));
            let mut seen: Vec<usize> = v.iter().map(|x| x.0).collect();
            seen.sort();
            prop_assert_eq!(seen, (0..values.len()).collect::<Vec<_>>());
            if values.len() <= 12 {
                prop_assert!(v.windows(2).all(|p| p[0].1 != p[1].1 || p[0].0 < p[1].0));
            }
        }
    }
}
