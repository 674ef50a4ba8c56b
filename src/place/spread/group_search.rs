//! Karmada's choice of groups (`selectGroups` in `pkg/scheduler/core/spreadconstraint/select_groups.go`):
//! a depth-first search over the combinations of scored groups whose size lies between the constraint's
//! `minGroups` and `maxGroups` and whose cluster count reaches the target, then the best combination by
//! total weight, total value and discovery order.
//!
//! Deliberately not here: how groups are scored ([`super::group_score`]) and which clusters of the
//! chosen groups are selected ([`super`]). Like Karmada's, the search enumerates combinations: its cost
//! grows exponentially with the number of groups.

/// A group for [`select_groups`]: `value` counts its clusters, `weight` is its score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    pub(super) name: String,
    pub(super) value: i64,
    pub(super) weight: i64,
}

/// A feasible combination found by the search, its groups in weight-desc/name-asc order.
#[derive(Clone, Debug)]
struct Path {
    id: usize,
    groups: Vec<Group>,
    weight: i64,
    value: i64,
}

impl Path {
    /// Whether `shorter` has fewer groups and names the same groups as this path's first ones.
    fn starts_with(&self, shorter: &Path) -> bool {
        shorter.groups.len() < self.groups.len()
            && shorter
                .groups
                .iter()
                .zip(&self.groups)
                .all(|(a, b)| a.name == b.name)
    }
}

/// `selectGroups`: the best combination of groups whose size lies in `[min, max]` and whose values
/// reach `target`, in weight-desc/name-asc order; empty when there is none.
/// Like Karmada's, the search enumerates combinations: its cost grows exponentially with the
/// number of regions.
pub(super) fn select_groups(mut groups: Vec<Group>, min: i64, max: i64, target: i64) -> Vec<Group> {
    if groups.is_empty() {
        return Vec::new();
    }
    groups.sort_by(|a, b| {
        a.value
            .cmp(&b.value)
            .then_with(|| b.weight.cmp(&a.weight))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut search = Search {
        groups: &groups,
        min,
        max,
        target,
        path: Vec::new(),
        found: Vec::new(),
    };
    search.walk(0, 0);
    prioritize(search.found)
        .map(|p| p.groups)
        .unwrap_or_default()
}

/// The depth-first search of `findFeasiblePaths`, over groups sorted by value asc, weight desc,
/// name asc.
struct Search<'a> {
    groups: &'a [Group],
    min: i64,
    max: i64,
    target: i64,
    /// Indices into `groups` of the combination being grown.
    path: Vec<usize>,
    found: Vec<Path>,
}

impl Search<'_> {
    /// Grow the current combination with groups from `begin` on. Returns `true` when the search
    /// must stop altogether (Karmada stops backtracking when every group is needed to reach `min`).
    fn walk(&mut self, sum: i64, begin: usize) -> bool {
        let length = self.path.len() as i64;
        if sum >= self.target && length >= self.min && length <= self.max {
            self.record();
            return false;
        }
        if length >= self.max {
            return false;
        }
        let all_needed = self.groups.len() as i64 == self.min;
        for index in begin..self.groups.len() {
            self.path.push(index);
            let stop = self.walk(sum.wrapping_add(self.groups[index].value), index + 1);
            if stop || all_needed {
                return true;
            }
            self.path.pop();
        }
        false
    }

    fn record(&mut self) {
        let mut groups: Vec<Group> = self.path.iter().map(|&i| self.groups[i].clone()).collect();
        groups.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.name.cmp(&b.name)));
        let weight = groups
            .iter()
            .fold(0i64, |sum, g| sum.wrapping_add(g.weight));
        let value = groups.iter().fold(0i64, |sum, g| sum.wrapping_add(g.value));
        self.found.push(Path {
            id: self.found.len() + 1,
            groups,
            weight,
            value,
        });
    }
}

/// `prioritizePaths`: the path with the highest total weight, then the highest total value, then
/// the earliest found; replaced, in ranking order, by any later path that is a strict prefix of it.
fn prioritize(mut paths: Vec<Path>) -> Option<Path> {
    paths.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then_with(|| b.value.cmp(&a.value))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut paths = paths.into_iter();
    let mut best = paths.next()?;
    for path in paths {
        if best.starts_with(&path) {
            best = path;
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Karmada `TestSelectGroups` (select_groups_test.go), every case.
    #[test]
    fn select_groups_karmada_cases() {
        let g = |name: &str, value: i64, weight: i64| Group {
            name: name.to_owned(),
            value,
            weight,
        };
        let cases = vec![
            ("empty groups", vec![], 2, 3, 1, vec![]),
            ("no enough groups", vec![g("R1", 1, 80)], 2, 3, 1, vec![]),
            (
                "no enough value",
                vec![g("R1", 1, 80), g("R2", 2, 30)],
                2,
                3,
                4,
                vec![],
            ),
            (
                "select one group",
                vec![g("R1", 1, 80)],
                1,
                3,
                1,
                vec!["R1"],
            ),
            (
                "prioritize one path",
                vec![
                    g("R1", 1, 80),
                    g("R3", 1, 80),
                    g("R2", 1, 60),
                    g("R5", 2, 60),
                    g("R4", 5, 50),
                    g("R6", 3, 50),
                ],
                1,
                3,
                10,
                vec!["R5", "R4", "R6"],
            ),
            (
                "select groups with less total number",
                vec![
                    g("R1", 1, 80),
                    g("R2", 4, 40),
                    g("R3", 1, 30),
                    g("R4", 3, 30),
                    g("R5", 3, 20),
                    g("R6", 5, 10),
                ],
                2,
                6,
                5,
                vec!["R1", "R2"],
            ),
            (
                "select groups with the highest score",
                vec![
                    g("R1", 1, 60),
                    g("R2", 1, 50),
                    g("R3", 1, 40),
                    g("R4", 3, 30),
                    g("R5", 3, 20),
                    g("R6", 3, 10),
                ],
                1,
                3,
                6,
                vec!["R1", "R4", "R5"],
            ),
            (
                "select groups that are chosen earlier",
                vec![
                    g("R1", 1, 60),
                    g("R2", 2, 50),
                    g("R3", 3, 40),
                    g("R4", 4, 30),
                ],
                1,
                2,
                5,
                vec!["R1", "R4"],
            ),
            (
                "select groups with greater value",
                vec![
                    g("R4", 1, 60),
                    g("R3", 3, 50),
                    g("R1", 3, 40),
                    g("R2", 4, 30),
                ],
                1,
                2,
                5,
                vec!["R3", "R1"],
            ),
        ];
        for (name, groups, min, max, target, want) in cases {
            let got = select_groups(groups, min, max, target);
            let got: Vec<&str> = got.iter().map(|g| g.name.as_str()).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
