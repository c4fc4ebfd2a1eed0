//! The options of a proposal, numbered from 1 as in Snapshot.

/// The choices of a proposal, in order. Choice `n` (1-based) is
/// `names()[n - 1]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choices(Vec<String>);

/// The most choices a proposal may have: Snapshot's own limit for its
/// largest spaces. Ranked-choice and Copeland ballots cost choices² per
/// ballot, so a file with 100,000 choices would otherwise be a denial of
/// service.
pub const MAX_CHOICES: usize = 1000;

impl Choices {
    /// For, Against, Abstain: the `basic` ballot and every governor contract.
    pub fn basic() -> Choices {
        Choices(vec!["For".into(), "Against".into(), "Abstain".into()])
    }

    /// Choices with these names; `None` if empty, more than
    /// [`MAX_CHOICES`], or a name repeats.
    pub fn new(names: Vec<String>) -> Option<Choices> {
        let mut seen = std::collections::HashSet::new();
        if names.is_empty()
            || names.len() > MAX_CHOICES
            || !names.iter().all(|n| seen.insert(n.as_str()))
        {
            return None;
        }
        Some(Choices(names))
    }

    /// The names, in order.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// How many choices there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a constructed `Choices`; present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The 1-based number of the choice called `name`: an exact match first,
    /// else the only case-insensitive match.
    pub fn number_of(&self, name: &str) -> Option<u32> {
        let name = name.trim();
        let pos = self.0.iter().position(|c| c == name).or_else(|| {
            let mut matches = self
                .0
                .iter()
                .enumerate()
                .filter(|(_, c)| c.eq_ignore_ascii_case(name));
            match (matches.next(), matches.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })?;
        u32::try_from(pos + 1).ok()
    }

    /// The name of choice number `n` (1-based), if it exists.
    pub fn name(&self, n: u32) -> Option<&str> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        self.0.get(i).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_choices_by_name_and_number() {
        let c = Choices::new(vec!["yes".into(), "no".into()]).unwrap();
        assert_eq!(c.number_of("no"), Some(2));
        assert_eq!(c.number_of("YES"), Some(1));
        assert_eq!(c.number_of("maybe"), None);
        assert_eq!(c.name(1), Some("yes"));
        assert_eq!(c.name(0), None);
        assert_eq!(c.name(3), None);
    }

    #[test]
    fn rejects_empty_and_repeated_names() {
        assert!(Choices::new(vec![]).is_none());
        assert!(Choices::new(vec!["a".into(), "a".into()]).is_none());
    }
}
