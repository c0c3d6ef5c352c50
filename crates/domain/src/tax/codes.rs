//! `code()`, `ALL`, `Display` and `FromStr` for enums whose serde form is their code.

/// Declares the codes of a snake_case serde enum; `FromStr` refuses unknown codes with a
/// field-level error naming the accepted ones.
macro_rules! coded_enum {
    ($ty:ident, $field:literal, $it:literal, $en:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::error::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| {
                    let known = Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ");
                    $crate::error::DomainError::invalid(
                        $field,
                        format!("{} sconosciuto: «{s}» (ammessi: {known})", $it),
                        format!("Unknown {}: \"{s}\" (accepted: {known})", $en),
                    )
                })
            }
        }
    };
}
pub(crate) use coded_enum;
