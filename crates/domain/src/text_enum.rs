//! Enums stored and sent as short lower-case names ("running", "manager").

/// A name that matches no variant of the enum it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    /// The enum's name, for the log.
    pub kind: &'static str,
    pub value: String,
    /// The names it knows, for the person who sent another.
    pub names: &'static [&'static str],
}

impl crate::catalogue::Explain for UnknownVariant {
    fn said(&self) -> crate::catalogue::Said {
        crate::catalogue::Said::with(
            crate::catalogue::Msg::UnknownValue,
            [self.value.clone(), self.names.join(", ")],
        )
    }
}

/// In a log the type says more than the names: "'frozen' is not a valid UserState".
impl std::fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' is not a valid {}", self.value, self.kind)
    }
}

impl std::error::Error for UnknownVariant {}

/// Gives an enum `as_str`, `Display` and `FromStr` over one table of names, so the database column,
/// the JSON and the parser can never disagree. With the `diesel` feature the enum is also written
/// to and read from a `Text` column by those names, on any backend (the enum itself derives
/// `AsExpression` and `FromSqlRow`); a stored name that matches no variant is an error, never a
/// default.
#[macro_export]
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB> for $ty
        where
            DB: ::diesel::backend::Backend,
            str: ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, DB>,
            ) -> ::diesel::serialize::Result {
                <str as ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB> for $ty
        where
            DB: ::diesel::backend::Backend,
            String: ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let name = <String as ::diesel::deserialize::FromSql<
                    ::diesel::sql_types::Text,
                    DB,
                >>::from_sql(bytes)?;
                Ok(name.parse::<$ty>()?)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::text_enum::UnknownVariant;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    other => Err($crate::text_enum::UnknownVariant {
                        kind: stringify!($ty),
                        value: other.to_owned(),
                        names: &[$($name),+],
                    }),
                }
            }
        }
    };
}
