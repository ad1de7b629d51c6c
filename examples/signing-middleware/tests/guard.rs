//! The guard lets a signed request through once and refuses it again, late, or tampered.

use proptest::prelude::*;
use qys_proto::properties;
use qys_proto::strategies::{endpoint_case_for, header_set, tamper};
use signing_middleware_example::guard::Guard;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn once_and_only_once(case in header_set().prop_flat_map(endpoint_case_for), tamper in tamper()) {
        let signed = properties::sign(&case, &case.signer())?;
        let now = case.params().timestamp_ms();
        let mut guard = Guard::new(case.gateway());
        prop_assert!(guard.check(&signed, now).is_ok());
        let again = guard.check(&signed, now.saturating_add(1_000));
        prop_assert_eq!(again.is_err(), case.header_set().has_nonce(), "a replay");
        let mut fresh = Guard::new(case.gateway());
        let late = fresh.check(&signed, now.saturating_add(16 * 60 * 1000));
        prop_assert!(late.is_err() || now > u64::MAX - 16 * 60 * 1000);
        let mut tampered = signed;
        tamper.apply(case.header_set(), tampered.headers_mut());
        prop_assert!(Guard::new(case.gateway()).check(&tampered, now).is_err());
    }
}
