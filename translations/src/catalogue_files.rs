//! Reads the catalogue's Fluent files and checks them: the languages hold the
//! same files, each file the same message ids, no id twice, and only the
//! Fluent the generator compiles (text, `{ $variables }`, `{"literals"}`).
//! Used by the build script (a problem fails the build) and by the tests,
//! which also feed it broken catalogues.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The languages, in the order of the `Lang` enum; the first is the default.
pub const LANGUAGES: [(&str, &str); 2] = [("zh-CN", "Zh"), ("en", "En")];

/// One piece of a message's text.
#[derive(Debug, PartialEq)]
pub enum Piece {
    Text(String),
    Variable(String),
}

/// One message: its file's name and its text in each language, in the
/// order of [`LANGUAGES`].
#[derive(Debug)]
pub struct Message {
    pub file: String,
    pub files: Vec<PathBuf>,
    pub pieces: Vec<Vec<Piece>>,
}

/// Every message by id, or the first problem found.
pub fn read_catalogue(root: &Path) -> Result<BTreeMap<String, Message>, String> {
    let mut catalogue: BTreeMap<String, Message> = BTreeMap::new();
    let mut files_of_default: Vec<String> = Vec::new();
    for (index, (language, _)) in LANGUAGES.iter().enumerate() {
        let files = ftl_files(&root.join(language))?;
        let names: Vec<String> = files.iter().map(|f| file_name(f)).collect();
        if index == 0 {
            files_of_default = names;
        } else if names != files_of_default {
            return Err(format!(
                "locales/{language} holds the files {names:?}, but locales/{} holds {files_of_default:?}",
                LANGUAGES[0].0
            ));
        }
        for file in &files {
            let source = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let resource =
                fluent_syntax::parser::parse(source.as_str()).map_err(|(_, errors)| {
                    format!("{} is not valid Fluent: {errors:?}", file.display())
                })?;
            for entry in resource.body {
                let message = match entry {
                    Entry::Message(message) => message,
                    Entry::Comment(_) | Entry::GroupComment(_) | Entry::ResourceComment(_) => {
                        continue
                    }
                    Entry::Term(term) => {
                        return Err(format!(
                            "{}: the term -{} is not supported; write the text into each message",
                            file.display(),
                            term.id.name
                        ))
                    }
                    Entry::Junk { content } => {
                        return Err(format!("{}: cannot parse {content:?}", file.display()))
                    }
                };
                let id = message.id.name.to_string();
                let place = format!("{} ({id})", file.display());
                if !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    return Err(format!(
                        "{place}: an id is lowercase words joined by hyphens"
                    ));
                }
                if !message.attributes.is_empty() {
                    return Err(format!("{place}: attributes are not supported"));
                }
                let Some(value) = message.value else {
                    return Err(format!("{place}: the message has no text"));
                };
                let pieces = pieces_of(&value, &place)?;
                if index == 0 {
                    if catalogue.contains_key(&id) {
                        return Err(format!("{place}: the id is used twice"));
                    }
                    catalogue.insert(
                        id,
                        Message {
                            file: file_name(file),
                            files: vec![file.clone()],
                            pieces: vec![pieces],
                        },
                    );
                    continue;
                }
                let Some(known) = catalogue.get_mut(&id) else {
                    return Err(format!(
                        "{place}: no such message in locales/{}",
                        LANGUAGES[0].0
                    ));
                };
                if known.file != file_name(file) {
                    return Err(format!(
                        "{place}: in locales/{} it sits in {}",
                        LANGUAGES[0].0, known.file
                    ));
                }
                if known.pieces.len() != index {
                    return Err(format!("{place}: the id is used twice"));
                }
                known.files.push(file.clone());
                known.pieces.push(pieces);
            }
        }
        let missing: Vec<&String> = catalogue
            .iter()
            .filter(|(_, m)| m.pieces.len() != index + 1)
            .map(|(id, _)| id)
            .collect();
        if !missing.is_empty() {
            return Err(format!("locales/{language} lacks the messages {missing:?}"));
        }
    }
    for (id, message) in &catalogue {
        if variables(&message.pieces).iter().any(|v| v == "lang") {
            return Err(format!(
                "{id}: $lang is the generated function's own parameter; name it otherwise"
            ));
        }
    }
    Ok(catalogue)
}

fn ftl_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(folder).map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "ftl") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn pieces_of(pattern: &Pattern<&str>, place: &str) -> Result<Vec<Piece>, String> {
    let mut pieces: Vec<Piece> = Vec::new();
    let push_text = |pieces: &mut Vec<Piece>, text: String| match pieces.last_mut() {
        Some(Piece::Text(last)) => last.push_str(&text),
        _ => pieces.push(Piece::Text(text)),
    };
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => push_text(&mut pieces, value.to_string()),
            PatternElement::Placeable { expression: Expression::Inline(inline) } => match inline {
                InlineExpression::StringLiteral { value } => {
                    push_text(&mut pieces, unescape(value, place)?)
                }
                InlineExpression::VariableReference { id } => {
                    pieces.push(Piece::Variable(id.name.to_string()))
                }
                other => {
                    return Err(format!(
                        "{place}: only text, {{ $variables }} and {{\"string literals\"}} are supported, not {other:?}"
                    ))
                }
            },
            PatternElement::Placeable { .. } => {
                return Err(format!(
                    "{place}: selectors are not supported; choose between two messages in the code"
                ))
            }
        }
    }
    Ok(pieces)
}

/// Fluent string literals know `\\`, `\"`, `\uXXXX` and `\UXXXXXX`.
fn unescape(raw: &str, place: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(u @ ('u' | 'U')) => {
                let digits: String = chars.by_ref().take(if u == 'u' { 4 } else { 6 }).collect();
                let code = u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32);
                out.push(code.ok_or_else(|| format!("{place}: bad escape \\{u}{digits}"))?);
            }
            other => return Err(format!("{place}: bad escape \\{other:?}")),
        }
    }
    Ok(out)
}

/// The variables a message uses in any language, in alphabetical order: the
/// order of the generated function's parameters. (A language may leave one
/// out, as Fluent allows: "{ $date }" in one, its year, month and day in another.)
pub fn variables(languages: &[Vec<Piece>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for piece in languages.iter().flatten() {
        if let Piece::Variable(name) = piece {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names.sort();
    names
}
