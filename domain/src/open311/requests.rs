//! Service requests: what another system posts (checked field by field,
//! with the spec's 400 naming the parameter), what it may ask of the list
//! (ids, service codes, a window of at most 90 days, open or closed), and
//! the public view of a case it gets back: no names, no phones, no room,
//! only the building.

use super::catalogue::{case_kind, definition, service_code, services};
use super::Open311Error;
use crate::case_flow::{CaseKind, CaseState};
use crate::clock::{format_iso, from_local, UnixSeconds};
use crate::household::parse_account_no;
use crate::repair::{RepairCategory, MAX_DESCRIPTION_CHARS};
use crate::triage::{Reading, Room};
use crate::xml::Xml;
use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use translations::Lang;

/// The widest window GET requests may ask for, and the one it gets when it
/// names none (the spec's 90 days).
pub const MAX_WINDOW_DAYS: i64 = 90;
pub const DEFAULT_WINDOW_DAYS: i64 = 90;
/// The most requests one answer lists (the spec's 1000), and the most ids
/// one query may name.
pub const MAX_REQUESTS: i64 = 1000;
const MAX_IDS: usize = 100;
/// More fields than any honest request has.
const MAX_FIELDS: usize = 64;
const MAX_VALUE_CHARS: usize = 2000;

/// What a request is about, by its service's attributes.
#[derive(Clone, Debug, PartialEq)]
pub enum PostedDetails {
    Temperature {
        reading: String,
        room: String,
        file_anyway: bool,
    },
    Repair {
        category: String,
        water_flooding: bool,
    },
    Application {
        holder_name: String,
        has_own_valve: bool,
    },
}

/// POST requests, checked. The api_key is read (and checked) before this.
#[derive(Clone, Debug, PartialEq)]
pub struct PostedRequest {
    pub service_code: String,
    pub kind: CaseKind,
    pub details: PostedDetails,
    /// Chinese address text, read like a 12345 order's.
    pub address_string: Option<String>,
    /// A household account number, normalized.
    pub address_id: Option<String>,
    pub location: Option<(f64, f64)>,
    /// first_name and last_name as one name ("王" "芳" → "王芳").
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: String,
    pub media_url: Option<String>,
}

/// One field's value: the only one, trimmed, or None when absent or blank;
/// a field sent twice is refused.
fn single<'a>(fields: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, Open311Error> {
    let mut values = fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim());
    let first = values.next();
    if values.next().is_some() {
        return Err(Open311Error::bad(name, "sent more than once 参数重复"));
    }
    Ok(first.filter(|v| !v.is_empty()))
}

fn bounded<'a>(
    fields: &'a [(String, String)],
    name: &str,
    max_chars: usize,
) -> Result<Option<&'a str>, Open311Error> {
    let value = single(fields, name)?;
    if value.is_some_and(|v| v.chars().count() > max_chars) {
        return Err(Open311Error::bad(
            name,
            &format!("longer than {max_chars} characters 内容过长"),
        ));
    }
    Ok(value)
}

/// A bounded field that must also pass `accepted`; `what` says what it
/// should have been.
fn checked(
    fields: &[(String, String)],
    name: &str,
    max_chars: usize,
    what: &str,
    accepted: impl Fn(&str) -> bool,
) -> Result<Option<String>, Open311Error> {
    match bounded(fields, name, max_chars)? {
        Some(value) if accepted(value) => Ok(Some(value.to_string())),
        Some(_) => Err(Open311Error::bad(name, what)),
        None => Ok(None),
    }
}

/// The `attribute[code]` fields, each checked against the service's
/// definition: known codes only, required ones present, list values among
/// the listed keys.
fn attributes(
    fields: &[(String, String)],
    service_code: &str,
) -> Result<BTreeMap<String, String>, Open311Error> {
    let definition = definition(service_code)
        .ok_or_else(|| Open311Error::bad("service_code", "not offered 无此服务"))?;
    let mut values = BTreeMap::new();
    for (name, value) in fields {
        let Some(code) = name
            .strip_prefix("attribute[")
            .and_then(|rest| rest.strip_suffix(']'))
        else {
            continue;
        };
        let Some(attribute) = definition.attributes.iter().find(|a| a.code == code) else {
            return Err(Open311Error::bad(
                name,
                &format!("not an attribute of {service_code} 该服务没有此属性"),
            ));
        };
        let value = value.trim();
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(Open311Error::bad(name, "too long 内容过长"));
        }
        if !attribute.values.is_empty() && !attribute.values.iter().any(|v| v.key == value) {
            let keys: Vec<&str> = attribute.values.iter().map(|v| v.key.as_str()).collect();
            return Err(Open311Error::bad(
                name,
                &format!("must be one of {} 取值无效", keys.join(", ")),
            ));
        }
        if values.insert(code.to_string(), value.to_string()).is_some() {
            return Err(Open311Error::bad(name, "sent more than once 参数重复"));
        }
    }
    for attribute in definition.attributes.iter().filter(|a| a.required) {
        if values.get(&attribute.code).is_none_or(|v| v.is_empty()) {
            return Err(Open311Error::bad(
                &format!("attribute[{}]", attribute.code),
                "required 必填",
            ));
        }
    }
    Ok(values)
}

fn details(
    kind: CaseKind,
    mut values: BTreeMap<String, String>,
) -> Result<PostedDetails, Open311Error> {
    let mut take = |code: &str| values.remove(code).unwrap_or_default();
    Ok(match kind {
        CaseKind::Temperature => {
            let reading = take("reading");
            Reading::parse(&reading)
                .map_err(|m| Open311Error::bad("attribute[reading]", m(Lang::Zh)))?;
            let room = take("room");
            Room::parse(&room)
                .ok_or_else(|| Open311Error::bad("attribute[room]", "unknown room 房间无效"))?;
            PostedDetails::Temperature {
                reading,
                room,
                file_anyway: take("file_anyway") == "yes",
            }
        }
        CaseKind::Repair => {
            let category = take("category");
            RepairCategory::parse(&category).ok_or_else(|| {
                Open311Error::bad("attribute[category]", "unknown category 故障类型无效")
            })?;
            PostedDetails::Repair {
                category,
                water_flooding: take("water_flooding") == "yes",
            }
        }
        CaseKind::Suspend | CaseKind::Resume => PostedDetails::Application {
            holder_name: take("holder_name"),
            has_own_valve: take("has_own_valve") == "yes",
        },
        CaseKind::Connection | CaseKind::HolderChange | CaseKind::Incident => {
            return Err(Open311Error::bad("service_code", "not offered 无此服务"))
        }
    })
}

fn coordinate(
    fields: &[(String, String)],
    name: &str,
    limit: f64,
) -> Result<Option<f64>, Open311Error> {
    let Some(text) = bounded(fields, name, 32)? else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
        _ => Err(Open311Error::bad(
            name,
            &format!("a number between -{limit} and {limit} 坐标无效"),
        )),
    }
}

/// Checks a posted form (the pairs in the order sent). Fields the spec
/// names and heatdesk has no use for (jurisdiction_id, device_id,
/// account_id) are read and let be; other unknown fields too.
pub fn parse_post(fields: &[(String, String)]) -> Result<PostedRequest, Open311Error> {
    if fields.len() > MAX_FIELDS {
        return Err(Open311Error::new(
            400,
            format!("more than {MAX_FIELDS} fields 参数过多"),
        ));
    }
    if let Some((name, _)) = fields
        .iter()
        .find(|(name, value)| name.len() > 64 || value.chars().count() > MAX_VALUE_CHARS)
    {
        let shown: String = name.chars().take(64).collect();
        return Err(Open311Error::bad(&shown, "too long 内容过长"));
    }
    let service_code = single(fields, "service_code")?
        .ok_or_else(|| Open311Error::bad("service_code", "required 必填"))?
        .to_string();
    let kind = case_kind(&service_code)
        .ok_or_else(|| Open311Error::bad("service_code", "not offered 无此服务"))?;
    let details = details(kind, attributes(fields, &service_code)?)?;
    let address_string = bounded(fields, "address_string", 200)?.map(str::to_string);
    let address_id = single(fields, "address_id")?
        .map(|id| {
            parse_account_no(id).map_err(|_| {
                Open311Error::bad("address_id", "a household account number 户号格式不对")
            })
        })
        .transpose()?;
    let location = match (
        coordinate(fields, "lat", 90.0)?,
        coordinate(fields, "long", 180.0)?,
    ) {
        (Some(lat), Some(long)) => Some((lat, long)),
        (None, None) => None,
        _ => {
            return Err(Open311Error::bad(
                "lat",
                "lat and long come together 经纬度须同时提供",
            ))
        }
    };
    if address_string.is_none() && address_id.is_none() {
        return Err(Open311Error::new(
            400,
            if location.is_some() {
                "address_string or address_id: heatdesk places requests by address, not by coordinates 请提供地址或户号"
            } else {
                "address_string, address_id or lat & long: one is required 请提供地址或户号"
            },
        ));
    }
    if matches!(details, PostedDetails::Application { .. }) && address_id.is_none() {
        return Err(Open311Error::bad(
            "address_id",
            "required for this service: the household account number 业务办理须提供户号",
        ));
    }
    let name: String = [
        bounded(fields, "last_name", 40)?,
        bounded(fields, "first_name", 40)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    let phone = checked(
        fields,
        "phone",
        20,
        "not a phone number 电话号码无效",
        |phone| {
            let digits = phone.chars().filter(|c| c.is_ascii_digit()).count();
            (7..=15).contains(&digits)
                && phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        },
    )?;
    let email = checked(
        fields,
        "email",
        254,
        "not an email address 邮箱无效",
        |email| email.contains('@') && !email.contains(char::is_whitespace),
    )?;
    let description = bounded(fields, "description", MAX_DESCRIPTION_CHARS)?
        .unwrap_or_default()
        .to_string();
    let media_url = checked(
        fields,
        "media_url",
        500,
        "an http(s) address 链接无效",
        |url| url.starts_with("https://") || url.starts_with("http://"),
    )?;
    for ignored in ["jurisdiction_id", "device_id", "account_id"] {
        bounded(fields, ignored, 200)?;
    }
    Ok(PostedRequest {
        service_code,
        kind,
        details,
        address_string,
        address_id,
        location,
        name: (!name.is_empty()).then_some(name),
        phone,
        email,
        description,
        media_url,
    })
}

/// A request's state as the spec knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Open,
    Closed,
}

impl RequestStatus {
    pub fn of(state: CaseState) -> Self {
        if state.is_final() {
            Self::Closed
        } else {
            Self::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// GET requests, checked. With ids, the other filters are ignored (the
/// spec's rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestsQuery {
    pub ids: Vec<String>,
    /// The kinds asked for; all of the catalogue's when none was named.
    pub kinds: Vec<CaseKind>,
    pub from: UnixSeconds,
    pub to: UnixSeconds,
    /// Empty: both.
    pub statuses: Vec<RequestStatus>,
}

/// A W3C datetime ("2026-11-28T10:00:00+08:00", "…Z"), or a date alone
/// read as midnight in Shanghai.
pub fn parse_w3c(text: &str) -> Option<UnixSeconds> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(from_local)
}

/// "2026-11-28T10:00:00+08:00"
pub fn w3c(at: UnixSeconds) -> String {
    format_iso(at)
}

fn list(value: Option<&str>) -> Vec<&str> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

pub fn parse_query(
    fields: &[(String, String)],
    now: UnixSeconds,
) -> Result<RequestsQuery, Open311Error> {
    if fields.len() > MAX_FIELDS {
        return Err(Open311Error::new(400, "too many parameters 参数过多"));
    }
    let ids: Vec<String> = list(bounded(fields, "service_request_id", 4000)?)
        .into_iter()
        .map(str::to_string)
        .collect();
    if ids.len() > MAX_IDS {
        return Err(Open311Error::bad(
            "service_request_id",
            &format!("at most {MAX_IDS} ids 一次最多查询 {MAX_IDS} 个"),
        ));
    }
    let mut kinds = Vec::new();
    for code in list(bounded(fields, "service_code", 400)?) {
        let kind = case_kind(code).ok_or_else(|| {
            Open311Error::bad("service_code", &format!("{code} is not offered 无此服务"))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        kinds = services()
            .iter()
            .filter_map(|s| case_kind(&s.service_code))
            .collect();
    }
    let date = |name: &str| -> Result<Option<UnixSeconds>, Open311Error> {
        bounded(fields, name, 40)?
            .map(|text| {
                parse_w3c(text).ok_or_else(|| {
                    Open311Error::bad(
                        name,
                        "a W3C datetime, e.g. 2026-11-28T00:00:00+08:00 时间格式不对",
                    )
                })
            })
            .transpose()
    };
    let (start, end) = (date("start_date")?, date("end_date")?);
    let window = MAX_WINDOW_DAYS * 86_400;
    let (from, to) = match (start, end) {
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, now.max(start)),
        (None, Some(end)) => (end - DEFAULT_WINDOW_DAYS * 86_400, end),
        (None, None) => (now - DEFAULT_WINDOW_DAYS * 86_400, now),
    };
    if to < from {
        return Err(Open311Error::bad(
            "end_date",
            "before start_date 结束时间早于开始时间",
        ));
    }
    if to - from > window {
        return Err(Open311Error::bad(
            "start_date",
            &format!("the range may not span more than {MAX_WINDOW_DAYS} days 时间范围不能超过 {MAX_WINDOW_DAYS} 天"),
        ));
    }
    let mut statuses = Vec::new();
    for status in list(bounded(fields, "status", 40)?) {
        let status = match status {
            "open" => RequestStatus::Open,
            "closed" => RequestStatus::Closed,
            _ => return Err(Open311Error::bad("status", "open or closed 状态无效")),
        };
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(RequestsQuery {
        ids,
        kinds,
        from,
        to,
        statuses,
    })
}

/// What the store knows of a case that may be shown to anyone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicFacts {
    pub case_no: String,
    pub kind: CaseKind,
    pub state: CaseState,
    /// The case's own short line ("主卧 16.5 ℃", "暖气不热"), never the
    /// free text a person typed.
    pub summary: String,
    pub created_at: UnixSeconds,
    pub updated_at: UnixSeconds,
    pub due_at: Option<UnixSeconds>,
    /// When the outage a complaint is covered by should end.
    pub outage_restore_at: Option<UnixSeconds>,
    /// "幸福小区 3号楼": the building, never the unit or room.
    pub place: Option<String>,
    pub company: Option<String>,
}

/// One request as GET requests shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: RequestStatus,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

impl ServiceRequest {
    /// The public view of a case. `expected_datetime` is the response
    /// deadline while the response is owed (or the covering outage's
    /// restore time); once someone came, or the case is over, none.
    pub fn public(facts: PublicFacts) -> Self {
        let code = service_code(facts.kind).unwrap_or_default();
        let service_name = services()
            .into_iter()
            .find(|s| s.service_code == code)
            .map(|s| s.service_name)
            .unwrap_or_default();
        let expected = facts
            .state
            .awaits_response()
            .then_some(facts.due_at.or(facts.outage_restore_at))
            .flatten();
        Self {
            service_request_id: facts.case_no,
            status: RequestStatus::of(facts.state),
            status_notes: format!(
                "{} {}",
                facts.state.label(Lang::Zh),
                facts.state.label(Lang::En)
            ),
            service_name,
            service_code: code.to_string(),
            description: facts.summary,
            agency_responsible: facts.company,
            service_notice: None,
            requested_datetime: w3c(facts.created_at),
            updated_datetime: w3c(facts.updated_at),
            expected_datetime: expected.map(w3c),
            address: facts.place,
            address_id: None,
            zipcode: None,
            lat: None,
            long: None,
            media_url: None,
        }
    }
}

fn number(value: Option<f64>) -> Option<String> {
    value.map(|v| v.to_string())
}

/// `<service_requests><request>…</request>…</service_requests>`, each
/// request's fields written by `fields`: the one envelope of the list, a
/// posted request's answer and a token's.
fn service_requests<T>(items: &[T], fields: impl Fn(&mut Xml, &T)) -> String {
    let mut xml = Xml::new();
    xml.open("service_requests");
    for item in items {
        xml.open("request");
        fields(&mut xml, item);
        xml.close("request");
    }
    xml.close("service_requests");
    xml.finish()
}

/// GET requests and requests/{id}.
pub fn requests_xml(requests: &[ServiceRequest]) -> String {
    service_requests(requests, |xml, r| {
        xml.leaf("service_request_id", &r.service_request_id)
            .leaf("status", r.status.as_str())
            .leaf("status_notes", &r.status_notes)
            .leaf("service_name", &r.service_name)
            .leaf("service_code", &r.service_code)
            .leaf("description", &r.description)
            .maybe("agency_responsible", r.agency_responsible.as_deref())
            .maybe("service_notice", r.service_notice.as_deref())
            .leaf("requested_datetime", &r.requested_datetime)
            .leaf("updated_datetime", &r.updated_datetime)
            .maybe("expected_datetime", r.expected_datetime.as_deref())
            .maybe("address", r.address.as_deref())
            .maybe("address_id", r.address_id.as_deref())
            .maybe("zipcode", r.zipcode.as_deref())
            .maybe("lat", number(r.lat).as_deref())
            .maybe("long", number(r.long).as_deref())
            .maybe("media_url", r.media_url.as_deref());
    })
}

/// The answer to POST requests: the case's number at once (requests are
/// realtime), and a token that finds it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedAnswer {
    pub service_request_id: String,
    pub token: String,
    pub service_notice: String,
    pub account_id: Option<String>,
}

pub fn posted_xml(answers: &[PostedAnswer]) -> String {
    service_requests(answers, |xml, a| {
        xml.leaf("service_request_id", &a.service_request_id)
            .leaf("token", &a.token)
            .leaf("service_notice", &a.service_notice)
            .maybe("account_id", a.account_id.as_deref());
    })
}

/// GET tokens/{token}.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

pub fn tokens_xml(answers: &[TokenAnswer]) -> String {
    service_requests(answers, |xml, a| {
        xml.leaf("service_request_id", &a.service_request_id)
            .leaf("token", &a.token);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn temperature(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut fields = form(&[
            ("service_code", "heating-temperature"),
            ("attribute[reading]", "16.5"),
            ("attribute[room]", "master_bedroom"),
        ]);
        fields.extend(form(extra));
        fields
    }

    #[test]
    fn a_temperature_complaint_is_read_with_its_attributes() {
        let posted = parse_post(&temperature(&[
            ("address_string", "幸福小区3号楼2单元301"),
            ("first_name", "芳"),
            ("last_name", "王"),
            ("phone", "138 0000 1111"),
            ("jurisdiction_id", "weifang"),
        ]))
        .unwrap();
        assert_eq!(posted.kind, CaseKind::Temperature);
        assert_eq!(
            posted.details,
            PostedDetails::Temperature {
                reading: "16.5".into(),
                room: "master_bedroom".into(),
                file_anyway: false
            }
        );
        assert_eq!(posted.name.as_deref(), Some("王芳"));
        assert_eq!(
            posted.address_string.as_deref(),
            Some("幸福小区3号楼2单元301")
        );
    }

    #[test]
    fn each_wrong_field_is_named() {
        let cases: Vec<(Vec<(String, String)>, &str)> = vec![
            (form(&[("address_id", "WF0001")]), "service_code: required"),
            (
                form(&[("service_code", "potholes"), ("address_id", "WF0001")]),
                "service_code: not offered",
            ),
            (temperature(&[]), "address_string, address_id or lat & long"),
            (
                temperature(&[("lat", "36.7"), ("long", "119.1")]),
                "not by coordinates",
            ),
            (temperature(&[("lat", "36.7")]), "lat: lat and long"),
            (temperature(&[("lat", "x"), ("long", "1")]), "lat: a number"),
            (
                temperature(&[("address_id", "WF0001"), ("attribute[colour]", "red")]),
                "attribute[colour]: not an attribute",
            ),
            (
                form(&[
                    ("service_code", "heating-temperature"),
                    ("attribute[reading]", "16"),
                    ("address_id", "WF0001"),
                ]),
                "attribute[room]: required",
            ),
            (
                form(&[
                    ("service_code", "heating-temperature"),
                    ("attribute[reading]", "warm"),
                    ("attribute[room]", "master_bedroom"),
                    ("address_id", "WF0001"),
                ]),
                "attribute[reading]: ",
            ),
            (
                form(&[
                    ("service_code", "heating-repair"),
                    ("attribute[category]", "dragons"),
                    ("address_id", "WF0001"),
                ]),
                "attribute[category]: must be one of",
            ),
            (
                form(&[
                    ("service_code", "heating-suspend"),
                    ("attribute[holder_name]", "王芳"),
                    ("attribute[has_own_valve]", "yes"),
                    ("address_string", "幸福小区3号楼2单元301"),
                ]),
                "address_id: required for this service",
            ),
            (
                temperature(&[("address_id", "WF;--")]),
                "address_id: a household",
            ),
            (
                temperature(&[("address_id", "WF0001"), ("phone", "call me")]),
                "phone:",
            ),
            (
                temperature(&[("address_id", "WF0001"), ("email", "nobody")]),
                "email:",
            ),
            (
                temperature(&[
                    ("address_id", "WF0001"),
                    ("media_url", "javascript:alert(1)"),
                ]),
                "media_url:",
            ),
            (
                temperature(&[("address_id", "WF0001"), ("address_id", "WF0002")]),
                "address_id: sent more than once",
            ),
        ];
        for (fields, expected) in cases {
            let error = parse_post(&fields).expect_err(expected);
            assert_eq!(error.code, 400);
            assert!(
                error.description.starts_with(expected) || error.description.contains(expected),
                "{expected:?} not in {:?}",
                error.description
            );
        }
        let long = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        let error = parse_post(&temperature(&[
            ("address_id", "WF0001"),
            ("description", &long),
        ]))
        .unwrap_err();
        assert!(error.description.starts_with("description:"));
        let many: Vec<(String, String)> =
            (0..100).map(|i| (format!("f{i}"), String::new())).collect();
        assert!(parse_post(&many)
            .unwrap_err()
            .description
            .contains("fields"));
    }

    #[test]
    fn applications_carry_the_holder_and_the_valve() {
        let posted = parse_post(&form(&[
            ("service_code", "heating-suspend"),
            ("attribute[holder_name]", "王芳"),
            ("attribute[has_own_valve]", "yes"),
            ("address_id", "wf-0001"),
            ("media_url", "https://example.org/id.jpg"),
        ]))
        .unwrap();
        assert_eq!(posted.address_id.as_deref(), Some("WF0001"));
        assert_eq!(
            posted.details,
            PostedDetails::Application {
                holder_name: "王芳".into(),
                has_own_valve: true
            }
        );
    }

    #[test]
    fn the_list_defaults_to_ninety_days_of_every_service() {
        let now = local_instant(2026, 11, 28, 10).unwrap();
        let query = parse_query(&[], now).unwrap();
        assert_eq!(query.to, now);
        assert_eq!(query.from, now - 90 * 86_400);
        assert_eq!(query.kinds.len(), services().len());
        assert!(query.statuses.is_empty() && query.ids.is_empty());

        let query = parse_query(
            &form(&[
                ("service_code", "heating-repair,heating-temperature"),
                ("status", "open"),
                ("start_date", "2026-11-01T00:00:00Z"),
                ("end_date", "2026-11-28"),
                ("service_request_id", "R1, T2"),
            ]),
            now,
        )
        .unwrap();
        assert_eq!(query.kinds, vec![CaseKind::Repair, CaseKind::Temperature]);
        assert_eq!(query.statuses, vec![RequestStatus::Open]);
        assert_eq!(Some(query.from), parse_w3c("2026-11-01T08:00:00+08:00"));
        assert_eq!(query.to, local_instant(2026, 11, 28, 0).unwrap());
        assert_eq!(query.ids, vec!["R1", "T2"]);
    }

    #[test]
    fn bad_filters_are_refused() {
        let now = local_instant(2026, 11, 28, 10).unwrap();
        for (fields, expected) in [
            (form(&[("status", "pending")]), "status:"),
            (form(&[("service_code", "potholes")]), "service_code:"),
            (form(&[("start_date", "yesterday")]), "start_date:"),
            (
                form(&[("start_date", "2026-01-01"), ("end_date", "2026-11-01")]),
                "start_date: the range",
            ),
            (
                form(&[("start_date", "2026-11-02"), ("end_date", "2026-11-01")]),
                "end_date: before",
            ),
        ] {
            let error = parse_query(&fields, now).unwrap_err();
            assert!(
                error.description.starts_with(expected),
                "{}",
                error.description
            );
        }
    }

    #[test]
    fn the_public_view_shows_the_building_and_the_promise_only() {
        let at = local_instant(2026, 11, 28, 10).unwrap();
        let facts = PublicFacts {
            case_no: "T20261128000001".into(),
            kind: CaseKind::Temperature,
            state: CaseState::Acknowledged,
            summary: "主卧 16.5 ℃".into(),
            created_at: at,
            updated_at: at + 60,
            due_at: Some(at + 86_400),
            outage_restore_at: None,
            place: Some("幸福小区 3号楼".into()),
            company: Some("潍坊热力".into()),
        };
        let open = ServiceRequest::public(facts.clone());
        assert_eq!(open.status, RequestStatus::Open);
        assert_eq!(open.service_code, "heating-temperature");
        assert_eq!(open.requested_datetime, "2026-11-28T10:00:00+08:00");
        assert_eq!(
            open.expected_datetime.as_deref(),
            Some("2026-11-29T10:00:00+08:00")
        );
        let json = serde_json::to_value(&open).unwrap();
        assert_eq!(json["status"], "open");
        assert!(json["lat"].is_null() && json["media_url"].is_null());
        let closed = ServiceRequest::public(PublicFacts {
            state: CaseState::Closed,
            ..facts
        });
        assert_eq!(closed.status, RequestStatus::Closed);
        assert_eq!(closed.expected_datetime, None);
        let xml = requests_xml(&[open, closed]);
        assert!(xml.contains(
            "<service_request_id>T20261128000001</service_request_id><status>open</status>"
        ));
        assert!(xml.contains("<expected_datetime></expected_datetime>"));
        assert!(xml.ends_with("</request></service_requests>"));
    }

    #[test]
    fn answers_share_the_envelope() {
        let posted = posted_xml(&[PostedAnswer {
            service_request_id: "R1".into(),
            token: "1-2-ab".into(),
            service_notice: "已受理 <soon>".into(),
            account_id: None,
        }]);
        assert!(posted.ends_with(
            "<service_requests><request><service_request_id>R1</service_request_id>\
             <token>1-2-ab</token><service_notice>已受理 &lt;soon&gt;</service_notice>\
             <account_id></account_id></request></service_requests>"
        ));
        let tokens = tokens_xml(&[TokenAnswer {
            service_request_id: "R1".into(),
            token: "1-2-ab".into(),
        }]);
        assert!(tokens.ends_with(
            "<request><service_request_id>R1</service_request_id><token>1-2-ab</token></request></service_requests>"
        ));
        assert!(requests_xml(&[]).ends_with("<service_requests></service_requests>"));
    }
}
