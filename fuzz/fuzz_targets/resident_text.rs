//! What a person types into a form field: readings, account numbers,
//! names, phone numbers, descriptions, times, file names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = domain::triage::Reading::parse(text);
    let _ = domain::triage::Room::parse(text);
    let _ = domain::repair::RepairCategory::parse(text);
    let _ = domain::repair::clean_description(text, true);
    let _ = domain::household::parse_account_no(text);
    let _ = domain::household::normalize_holder_name(text);
    let _ = domain::phone::MobileNumber::parse(text);
    let _ = domain::clock::parse_local_input(text);
    let _ = domain::open311::parse_w3c(text);
    let _ = domain::open311::Format::split(text);
    let _ = domain::api_keys::check_api_key_label(text);
    let _ = domain::uploads::display_name(text);
    let _ = domain::open311::xml_escape(text);
});
