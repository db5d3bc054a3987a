//! Arbitrary bytes through what akslint does to an untrusted input before
//! any policy runs: decode (UTF-8 / UTF-16, BOMs) -> parse and normalize
//! (plan or state) -> the Rego input document.
//!
//! Properties: no panic, no stack overflow, no hang (libFuzzer's -timeout),
//! and every error is a clean `InputError` that names the file.
#![no_main]

use akslint::plan::{decode, Source};
use akslint::plan::normalize;
use libfuzzer_sys::fuzz_target;

const NAME: &str = "fuzz/plan.json";

fuzz_target!(|data: &[u8]| {
    let text = match decode(NAME, data.to_vec()) {
        Ok(text) => text,
        Err(e) => {
            assert_eq!(e.file(), NAME);
            return;
        }
    };
    let src = Source {
        name: NAME.to_string(),
        path: None,
        text,
    };
    match normalize(&src, &None) {
        Ok(model) => {
            let _input = model.to_input();
        }
        Err(e) => {
            assert_eq!(e.file(), NAME);
            assert!(e.to_string().starts_with(NAME), "{e}");
        }
    }
});
