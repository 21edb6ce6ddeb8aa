//! Data scope (DESIGN §11): a user sees the complaints of their organisation node and below.
//! Nodes carry a materialised path (`/1/4/9/`), so "below" is a prefix match.

/// What part of the organisation a query may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything (maintenance commands; the group root resolves to a prefix anyway).
    All,
    /// Complaints registered by or assigned to this path or below.
    Under(String),
}

impl Scope {
    /// Whether a complaint registered under `intake_path` and assigned under `dept_path` is
    /// visible.
    pub fn sees(&self, intake_path: &str, dept_path: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Under(p) => {
                intake_path.starts_with(p.as_str()) || dept_path.is_some_and(|d| d.starts_with(p.as_str()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_sees_what_is_assigned_to_it_but_not_its_siblings() {
        let dept = Scope::Under("/1/2/5/".into());
        assert!(dept.sees("/1/2/3/", Some("/1/2/5/")));
        assert!(dept.sees("/1/2/3/", Some("/1/2/5/8/")));
        assert!(!dept.sees("/1/2/3/", Some("/1/2/6/")));
        assert!(!dept.sees("/1/2/3/", None));
        // "/1/2/5/" must not match "/1/2/55/".
        assert!(!dept.sees("/1/2/55/", None));
    }
}
