//! Arbitrary bytes into the XML parser and the response verifier: no input may panic, and a
//! parsed document that can be written back must read back as the same tree.
//!
//! `cargo fuzz run -s none xml_parse_verify -- -max_total_time=60`
//! (seed corpus: `freedompay-xml/tests/fixtures/*.xml`).
#![no_main]

use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{Limits, parse, parse_with, verify_response, write_with_root};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits too, so that the limit paths are reached by small inputs.
    let mut tight = Limits::default();
    tight.max_depth = 4;
    tight.max_elements = 16;
    tight.max_text_bytes = 32;
    let _ = parse_with(data, &tight);

    let Ok(doc) = parse(data) else { return };
    if let Ok(xml) = write_with_root(doc.root_name(), doc.fields()) {
        let again = parse(xml.as_bytes()).expect("a written document parses");
        assert_eq!(
            again.fields(),
            doc.fields(),
            "write then parse changed the tree"
        );
    }
    let script = ScriptName::new("get_status3.php").expect("a valid script name");
    let secret = SecretKey::new("TESTSECRET").expect("a valid secret");
    let _ = verify_response(doc, &script, &secret);
});
