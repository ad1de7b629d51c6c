//! 64-bit platform IDs, kept as text so they never pass through floating point.

macro_rules! id_types {
    ($( $(#[$doc:meta])* $name:ident ;)*) => {$(
        $(#[$doc])*
        ///
        /// Serialized as a JSON string; deserialized from a string or an integer of any size,
        /// never through `f64`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps an ID.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The ID text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id.to_string())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::id::deserialize_id(d).map(Self)
            }
        }
    )*};
}

id_types! {
    /// A contract (合同) ID.
    ContractId;
    /// A contract document (合同文档) ID.
    DocumentId;
    /// A signatory (签署方) ID.
    SignatoryId;
    /// A signing action (签署动作/节点) ID.
    ActionId;
    /// A seal (印章) ID.
    SealId;
    /// A template (模板) ID.
    TemplateId;
    /// A business category (业务分类) ID.
    CategoryId;
    /// A company (公司) ID.
    CompanyId;
    /// An employee (员工) ID.
    EmployeeId;
    /// An attachment (附件) ID.
    AttachmentId;
}

/// Accepts a JSON string, or an integer (any size, as its decimal text).
pub(crate) fn deserialize_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an ID as a string or an integer")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<String, E> {
            Err(E::custom(
                "an ID must be an integer or a string, not a fraction",
            ))
        }
    }
    d.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_strings_and_big_integers_keep_every_digit() {
        let a: ContractId = serde_json::from_str("2591540368898105360").unwrap();
        let b: ContractId = serde_json::from_str("\"2591540368898105360\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "2591540368898105360");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"2591540368898105360\""
        );
        assert!(serde_json::from_str::<ContractId>("1.5").is_err());
        assert!(serde_json::from_str::<ContractId>("[1]").is_err());
    }
}
