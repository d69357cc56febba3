//! The services heatdesk takes requests for, their attributes, and the
//! discovery document, as GET services, services/{code} and discovery
//! answer them.

use super::{CHANGESET, SPECIFICATION};
use crate::case_flow::CaseKind;
use crate::repair::RepairCategory;
use crate::triage::Room;
use crate::xml::Xml;
use serde::{Deserialize, Serialize};
use translations::Lang;

/// One service of the catalogue (GET services).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    /// "realtime": requests become cases at once.
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

/// A value of a list attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// One attribute of a service definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub variable: bool,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub datatype_description: String,
    pub order: u32,
    pub description: String,
    pub values: Vec<AttributeValue>,
}

/// GET services/{code}.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

pub const TEMPERATURE: &str = "heating-temperature";
pub const REPAIR: &str = "heating-repair";
pub const SUSPEND: &str = "heating-suspend";
pub const RESUME: &str = "heating-resume";

/// The kind of case a service's requests become.
pub fn case_kind(service_code: &str) -> Option<CaseKind> {
    match service_code {
        TEMPERATURE => Some(CaseKind::Temperature),
        REPAIR => Some(CaseKind::Repair),
        SUSPEND => Some(CaseKind::Suspend),
        RESUME => Some(CaseKind::Resume),
        _ => None,
    }
}

/// The service a kind of case is listed under, when it is one of the
/// catalogue's.
pub fn service_code(kind: CaseKind) -> Option<&'static str> {
    match kind {
        CaseKind::Temperature => Some(TEMPERATURE),
        CaseKind::Repair => Some(REPAIR),
        CaseKind::Suspend => Some(SUSPEND),
        CaseKind::Resume => Some(RESUME),
        CaseKind::Connection | CaseKind::HolderChange | CaseKind::Incident => None,
    }
}

/// The services heatdesk takes requests for.
pub fn services() -> Vec<Service> {
    let service = |code: &str, name: &str, description: &str, keywords: &str| Service {
        service_code: code.to_string(),
        service_name: name.to_string(),
        description: description.to_string(),
        metadata: true,
        kind: "realtime".to_string(),
        keywords: keywords.to_string(),
        group: "供热 Heating".to_string(),
    };
    vec![
        service(
            TEMPERATURE,
            "室温投诉 Indoor temperature complaint",
            "供暖期内卧室、客厅低于 18 ℃。A bedroom or living room below 18 °C in the heating season.",
            "室温,不热,temperature,cold",
        ),
        service(
            REPAIR,
            "故障报修 Heating repair",
            "暖气不热、漏水、爆管、阀门、异响等。No heat, leaks, burst pipes, valves, noise.",
            "报修,漏水,爆管,repair,leak",
        ),
        service(
            SUSPEND,
            "报停申请 Suspend heating",
            "下一个供暖季不用热，需户内有独立关断阀门；address_id 为户号。Stop heating for the next season; needs the household's own shut-off valve; address_id is the account number.",
            "报停,停暖,suspend",
        ),
        service(
            RESUME,
            "复供申请 Resume heating",
            "报停后恢复供热；address_id 为户号。Resume heating after a suspension; address_id is the account number.",
            "复供,恢复供暖,resume",
        ),
    ]
}

fn attribute(
    code: &str,
    datatype: &str,
    required: bool,
    order: u32,
    description: &str,
) -> Attribute {
    Attribute {
        variable: true,
        code: code.to_string(),
        datatype: datatype.to_string(),
        required,
        datatype_description: String::new(),
        order,
        description: description.to_string(),
        values: Vec::new(),
    }
}

fn yes_no(code: &str, required: bool, order: u32, description: &str) -> Attribute {
    let mut attribute = attribute(code, "singlevaluelist", required, order, description);
    attribute.values = [("yes", "是 Yes"), ("no", "否 No")]
        .into_iter()
        .map(|(key, name)| AttributeValue {
            key: key.to_string(),
            name: name.to_string(),
        })
        .collect();
    attribute
}

fn holder_name(order: u32) -> Attribute {
    attribute(
        "holder_name",
        "string",
        true,
        order,
        "户主姓名，须与缴费单一致 The account holder's name as on the heating bill",
    )
}

/// The attributes of a service, or None for an unknown code.
pub fn definition(service_code: &str) -> Option<ServiceDefinition> {
    let attributes = match service_code {
        TEMPERATURE => {
            let mut reading = attribute(
                "reading",
                "number",
                true,
                1,
                "温度计读数（℃），按规定方法测量 The thermometer reading in °C, measured as the regulation describes",
            );
            reading.datatype_description = "例如 16.5 e.g. 16.5".to_string();
            let mut room = attribute(
                "room",
                "singlevaluelist",
                true,
                2,
                "测温房间 The room measured",
            );
            room.values = Room::ALL
                .into_iter()
                .map(|r| AttributeValue {
                    key: r.as_str().to_string(),
                    name: format!("{} {}", r.label(Lang::Zh), r.label(Lang::En)),
                })
                .collect();
            let file_anyway = yes_no(
                "file_anyway",
                false,
                3,
                "读数已达标（≥18 ℃）仍要投诉 File even though the reading meets the standard (18 °C or more)",
            );
            vec![reading, room, file_anyway]
        }
        REPAIR => {
            let mut category = attribute(
                "category",
                "singlevaluelist",
                true,
                1,
                "故障类型 What is wrong",
            );
            category.values = RepairCategory::ALL
                .into_iter()
                .map(|c| AttributeValue {
                    key: c.as_str().to_string(),
                    name: format!("{} {}", c.label(Lang::Zh), c.label(Lang::En)),
                })
                .collect();
            let flooding = yes_no(
                "water_flooding",
                false,
                2,
                "是否正在漏水 Is water running now",
            );
            vec![category, flooding]
        }
        SUSPEND => vec![
            holder_name(1),
            yes_no(
                "has_own_valve",
                true,
                2,
                "户内有独立的供热关断阀门 The household has its own shut-off valve",
            ),
        ],
        RESUME => vec![holder_name(1)],
        _ => return None,
    };
    Some(ServiceDefinition {
        service_code: service_code.to_string(),
        attributes,
    })
}

/// `<services><service>…</service></services>`
pub fn services_xml(services: &[Service]) -> String {
    let mut xml = Xml::new();
    xml.open("services");
    for s in services {
        xml.open("service")
            .leaf("service_code", &s.service_code)
            .leaf("service_name", &s.service_name)
            .leaf("description", &s.description)
            .yes_no("metadata", s.metadata)
            .leaf("type", &s.kind)
            .leaf("keywords", &s.keywords)
            .leaf("group", &s.group)
            .close("service");
    }
    xml.close("services");
    xml.finish()
}

/// `<service_definition>…<attributes><attribute>…</attribute></attributes></service_definition>`
pub fn definition_xml(definition: &ServiceDefinition) -> String {
    let mut xml = Xml::new();
    xml.open("service_definition")
        .leaf("service_code", &definition.service_code)
        .open("attributes");
    for a in &definition.attributes {
        xml.open("attribute")
            .yes_no("variable", a.variable)
            .leaf("code", &a.code)
            .leaf("datatype", &a.datatype)
            .yes_no("required", a.required)
            .leaf("datatype_description", &a.datatype_description)
            .leaf("order", &a.order.to_string())
            .leaf("description", &a.description);
        if !a.values.is_empty() {
            xml.open("values");
            for v in &a.values {
                xml.open("value")
                    .leaf("key", &v.key)
                    .leaf("name", &v.name)
                    .close("value");
            }
            xml.close("values");
        }
        xml.close("attribute");
    }
    xml.close("attributes").close("service_definition");
    xml.finish()
}

/// The discovery document, pointing at `base` ("https://…/open311/v2").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

pub fn discovery(base: &str, contact: &str) -> Discovery {
    Discovery {
        changeset: CHANGESET.to_string(),
        contact: contact.to_string(),
        key_service:
            "向供热公司申请 API key（管理员签发）. Ask the utility's admin for an API key."
                .to_string(),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION.to_string(),
            url: base.to_string(),
            changeset: CHANGESET.to_string(),
            kind: "production".to_string(),
            formats: vec!["text/xml".to_string(), "application/json".to_string()],
        }],
    }
}

pub fn discovery_xml(discovery: &Discovery) -> String {
    let mut xml = Xml::new();
    xml.open("discovery")
        .leaf("changeset", &discovery.changeset)
        .leaf("contact", &discovery.contact)
        .leaf("key_service", &discovery.key_service)
        .open("endpoints");
    for e in &discovery.endpoints {
        xml.open("endpoint")
            .leaf("specification", &e.specification)
            .leaf("url", &e.url)
            .leaf("changeset", &e.changeset)
            .leaf("type", &e.kind)
            .open("formats");
        for f in &e.formats {
            xml.leaf("format", f);
        }
        xml.close("formats").close("endpoint");
    }
    xml.close("endpoints").close("discovery");
    xml.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_defines_every_service_it_lists() {
        for service in services() {
            let definition = definition(&service.service_code).expect("a definition");
            assert!(definition.attributes.iter().any(|a| a.required));
            assert!(definition
                .attributes
                .iter()
                .all(|a| a.datatype != "singlevaluelist" || !a.values.is_empty()));
            let kind = case_kind(&service.service_code).expect("a case kind");
            assert_eq!(service_code(kind), Some(service.service_code.as_str()));
        }
        assert_eq!(definition("potholes"), None);
        assert_eq!(case_kind("potholes"), None);
        assert_eq!(service_code(CaseKind::Connection), None);
        let repair = definition(REPAIR).unwrap();
        assert_eq!(repair.attributes[0].values.len(), RepairCategory::ALL.len());
    }

    #[test]
    fn documents_are_well_formed() {
        let xml = services_xml(&services());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>"));
        assert!(xml.ends_with("</service></services>"));
        assert_eq!(xml.matches("<service>").count(), 4);
        let definition = definition_xml(&definition(TEMPERATURE).unwrap());
        assert!(definition
            .contains("<code>reading</code><datatype>number</datatype><required>true</required>"));
        assert!(definition.contains("<values><value><key>"));
        let discovery = discovery_xml(&discovery("https://x/open311/v2", "12345"));
        assert!(discovery.contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>"
        ));
    }
}
