//! Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the service
//! catalogue heatdesk offers (temperature complaints with their reading,
//! repairs with their category) and its documents in JSON and XML.

use crate::repair::RepairCategory;
use crate::triage::Room;
use serde::{Deserialize, Serialize};

/// The two formats the spec defines, chosen by the path's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// "services.json" → ("services", Json); no or another extension: None.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (stem, extension) = file.rsplit_once('.')?;
        let format = match extension {
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => return None,
        };
        Some((stem, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "text/xml; charset=utf-8",
        }
    }
}

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

/// An error as the spec writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

pub const TEMPERATURE: &str = "heating-temperature";
pub const REPAIR: &str = "heating-repair";

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
    ]
}

/// The attributes of a service, or None for an unknown code.
pub fn definition(service_code: &str) -> Option<ServiceDefinition> {
    let attribute =
        |code: &str, datatype: &str, required: bool, order: u32, description: &str| Attribute {
            variable: true,
            code: code.to_string(),
            datatype: datatype.to_string(),
            required,
            datatype_description: String::new(),
            order,
            description: description.to_string(),
            values: Vec::new(),
        };
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
                    name: format!("{} {}", r.label(), r.label_en()),
                })
                .collect();
            vec![reading, room]
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
                    name: format!("{} {}", c.label(), c.label_en()),
                })
                .collect();
            let mut flooding = attribute(
                "water_flooding",
                "singlevaluelist",
                false,
                2,
                "是否正在漏水 Is water running now",
            );
            flooding.values = vec![
                AttributeValue {
                    key: "yes".to_string(),
                    name: "是 Yes".to_string(),
                },
                AttributeValue {
                    key: "no".to_string(),
                    name: "否 No".to_string(),
                },
            ];
            vec![category, flooding]
        }
        _ => return None,
    };
    Some(ServiceDefinition {
        service_code: service_code.to_string(),
        attributes,
    })
}

/// Text for an XML element or attribute.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A small writer for the spec's documents.
struct Xml(String);

impl Xml {
    fn new() -> Self {
        Self(String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>"))
    }
    fn open(&mut self, tag: &str) -> &mut Self {
        self.0.push_str(&format!("<{tag}>"));
        self
    }
    fn close(&mut self, tag: &str) -> &mut Self {
        self.0.push_str(&format!("</{tag}>"));
        self
    }
    fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.0
            .push_str(&format!("<{tag}>{}</{tag}>", xml_escape(text)));
        self
    }
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
            .leaf("metadata", if s.metadata { "true" } else { "false" })
            .leaf("type", &s.kind)
            .leaf("keywords", &s.keywords)
            .leaf("group", &s.group)
            .close("service");
    }
    xml.close("services");
    xml.0
}

/// `<service_definition>…<attributes><attribute>…</attribute></attributes></service_definition>`
pub fn definition_xml(definition: &ServiceDefinition) -> String {
    let mut xml = Xml::new();
    xml.open("service_definition")
        .leaf("service_code", &definition.service_code)
        .open("attributes");
    for a in &definition.attributes {
        xml.open("attribute")
            .leaf("variable", if a.variable { "true" } else { "false" })
            .leaf("code", &a.code)
            .leaf("datatype", &a.datatype)
            .leaf("required", if a.required { "true" } else { "false" })
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
    xml.0
}

/// `<errors><error><code>404</code><description>…</description></error></errors>`
pub fn errors_xml(errors: &[Open311Error]) -> String {
    let mut xml = Xml::new();
    xml.open("errors");
    for e in errors {
        xml.open("error")
            .leaf("code", &e.code.to_string())
            .leaf("description", &e.description)
            .close("error");
    }
    xml.close("errors");
    xml.0
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

/// The spec this implements, and when the catalogue last changed.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
pub const CHANGESET: &str = "2026-11-28T00:00:00+08:00";

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
    xml.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("heating-repair.xml"),
            Some(("heating-repair", Format::Xml))
        );
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split("services.html"), None);
    }

    #[test]
    fn the_catalogue_defines_every_service_it_lists() {
        for service in services() {
            let definition = definition(&service.service_code).expect("a definition");
            assert!(definition.attributes.iter().any(|a| a.required));
            assert!(definition
                .attributes
                .iter()
                .all(|a| a.datatype != "singlevaluelist" || !a.values.is_empty()));
        }
        assert_eq!(definition("potholes"), None);
        let repair = definition(REPAIR).unwrap();
        assert_eq!(repair.attributes[0].values.len(), RepairCategory::ALL.len());
    }

    #[test]
    fn xml_is_escaped_and_well_formed() {
        assert_eq!(xml_escape("a<b&\"c'>\u{1}"), "a&lt;b&amp;&quot;c&apos;&gt;");
        let xml = services_xml(&services());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>"));
        assert!(xml.ends_with("</service></services>"));
        assert_eq!(xml.matches("<service>").count(), 2);
        let errors = errors_xml(&[Open311Error {
            code: 404,
            description: "no <such> service".to_string(),
        }]);
        assert!(
            errors.contains("<code>404</code><description>no &lt;such&gt; service</description>")
        );
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
