//! heatdesk's one translation catalogue.
//!
//! Every text a person reads (page text, the names of things in `domain`,
//! refusals from the backend, texts sent by SMS) is a message in the Fluent
//! files under `locales/`: `locales/zh-CN` (the default) and `locales/en`
//! hold the same files with the same message ids.
//!
//! The build script compiles each message into one plain function in
//! [`text`]: `text::outage_restored_at(lang)` returns a `&'static str`, and a
//! message with variables (`{ $hours }`) takes them as arguments, in the
//! alphabetical order of their names, and returns a `String`. So a page that
//! hydrates carries exactly the texts it uses, as it did when they were
//! literals, and no Fluent runtime goes to the browser (the main wasm module
//! has almost no room left in its budget: `fluent-bundle` with its plural
//! rules and `leptos-fluent`, which ships the whole catalogue, would not fit;
//! `leptos_i18n` compiles too, but brings its own locale format and ICU data).
//!
//! A message missing in one language, an id used twice, or Fluent the
//! generator does not compile (selectors, terms, references, attributes) is
//! a build error (`src/catalogue_files.rs`); the tests check that the
//! official Fluent implementation formats every message exactly as the
//! generated function does. Plurals are two messages the code chooses
//! between (`countdown-one-day`, `countdown-days`).

use std::borrow::Cow;
use std::fmt;

/// The languages heatdesk speaks; Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The language tag for `<html lang>` and the catalogue's folder.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }
}

/// A message without variables, named by its function: `text::case_not_found`.
/// What rules in `domain` return as a refusal, so that the caller can say it in
/// the reader's language.
pub type StaticText = fn(Lang) -> &'static str;

/// A text already said in every language, for refusals that travel from the
/// backend to whoever answers the request (a page, Open311, 12345) and only
/// then learn the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localized {
    zh: Cow<'static, str>,
    en: Cow<'static, str>,
}

impl Localized {
    /// Says `message` in every language now.
    pub fn new<T: Into<Cow<'static, str>>>(message: impl Fn(Lang) -> T) -> Self {
        Self {
            zh: message(Lang::Zh).into(),
            en: message(Lang::En).into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl Localize for StaticText {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        Cow::Borrowed(self(lang))
    }
}

impl Localize for Localized {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        Cow::Owned(self.get(lang).to_string())
    }

    fn localized(&self) -> Localized {
        self.clone()
    }
}

impl From<StaticText> for Localized {
    fn from(text: StaticText) -> Self {
        Self::new(text)
    }
}

/// In the default language, as logs and tests read it.
impl fmt::Display for Localized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

/// Something that can say itself in each language (a domain refusal, say).
pub trait Localize {
    fn say(&self, lang: Lang) -> Cow<'static, str>;

    fn localized(&self) -> Localized {
        Localized::new(|lang| self.say(lang))
    }
}

/// `Display` (in the default language) and `Error` for a refusal that says
/// itself through [`Localize`]: `localized_error!(PhoneError);`.
#[macro_export]
macro_rules! localized_error {
    ($type:ty) => {
        impl ::core::fmt::Display for $type {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&$crate::Localize::say(self, $crate::Lang::default()))
            }
        }
        impl ::std::error::Error for $type {}
    };
}

/// Every message of the catalogue, one function each (generated from `locales/`).
pub mod text {
    use super::Lang;
    include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
}

#[cfg(test)]
mod catalogue_files;

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    use std::path::Path;

    fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
        let locale: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap();
        let mut bundle = FluentBundle::new(vec![locale]);
        // Pages escape and place the text themselves; no bidi marks.
        bundle.set_use_isolating(false);
        let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.tag());
        let mut files: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            let resource = FluentResource::try_new(source).expect("valid Fluent");
            bundle
                .add_resource(resource)
                .expect("no message defined twice");
        }
        bundle
    }

    #[test]
    fn every_message_reads_as_fluent_itself_formats_it() {
        for lang in Lang::ALL {
            let bundle = bundle(lang);
            for id in text::MESSAGE_IDS {
                let message = bundle
                    .get_message(id)
                    .unwrap_or_else(|| panic!("{id} missing in {}", lang.tag()));
                let pattern = message.value().unwrap();
                let mut names = Vec::new();
                collect_variables(pattern, &mut names);
                let mut args = FluentArgs::new();
                for name in &names {
                    args.set(name.clone(), format!("«{name}»"));
                }
                let mut errors = vec![];
                let expected = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{id} in {}: {errors:?}", lang.tag());
                let generated = text::format_by_id(id, lang, &|name| format!("«{name}»")).unwrap();
                assert_eq!(generated, expected, "{id} in {}", lang.tag());
            }
        }
    }

    fn collect_variables(pattern: &fluent_syntax::ast::Pattern<&str>, names: &mut Vec<String>) {
        use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
        for element in &pattern.elements {
            if let PatternElement::Placeable {
                expression: Expression::Inline(InlineExpression::VariableReference { id }),
            } = element
            {
                names.push(id.name.to_string());
            }
        }
    }

    #[test]
    fn both_languages_hold_the_same_messages() {
        // The build already refuses a catalogue where they differ; this states
        // it from Fluent's side as well, file by file.
        let ids = |lang: Lang| {
            let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(lang.tag());
            let mut ids = Vec::new();
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                let source = std::fs::read_to_string(&path).unwrap();
                let resource = fluent_syntax::parser::parse(source.as_str()).expect("valid Fluent");
                for entry in resource.body {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.push((path.file_name().unwrap().to_owned(), m.id.name.to_string()));
                    }
                }
            }
            ids.sort();
            ids
        };
        let chinese = ids(Lang::Zh);
        assert_eq!(chinese, ids(Lang::En));
        assert_eq!(chinese.len(), text::MESSAGE_IDS.len());
    }

    /// A catalogue written into a temporary folder: (language, file, text).
    fn catalogue_of(files: &[(&str, &str, &str)]) -> Result<usize, String> {
        let root = std::env::temp_dir().join(format!(
            "heatdesk-catalogue-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (language, _) in catalogue_files::LANGUAGES {
            std::fs::create_dir_all(root.join(language)).unwrap();
        }
        for (language, file, text) in files {
            std::fs::write(root.join(language).join(file), text).unwrap();
        }
        let read = catalogue_files::read_catalogue(&root).map(|c| c.len());
        std::fs::remove_dir_all(&root).unwrap();
        read
    }

    #[test]
    fn a_catalogue_with_a_gap_or_a_stray_is_refused() {
        let good = [
            ("zh-CN", "a.ftl", "hello = 你好\nbye = 再见 { $name }\n"),
            ("en", "a.ftl", "hello = Hello\nbye = Bye, { $name }\n"),
        ];
        assert_eq!(catalogue_of(&good), Ok(2));
        let missing_in_english = [good[0], ("en", "a.ftl", "hello = Hello\n")];
        assert!(catalogue_of(&missing_in_english)
            .unwrap_err()
            .contains("locales/en lacks the messages [\"bye\"]"));
        let only_in_english = [
            good[0],
            ("en", "a.ftl", "hello = Hello\nbye = Bye\nextra = More\n"),
        ];
        assert!(catalogue_of(&only_in_english)
            .unwrap_err()
            .contains("extra"));
        let other_file = [good[0], good[1], ("en", "b.ftl", "x = y\n")];
        assert!(catalogue_of(&other_file)
            .unwrap_err()
            .contains("holds the files"));
        let twice = [("zh-CN", "a.ftl", "hello = 你好\nhello = 您好\n"), good[1]];
        assert!(catalogue_of(&twice).unwrap_err().contains("used twice"));
        let moved = [
            ("zh-CN", "a.ftl", "hello = 你好\n"),
            ("zh-CN", "b.ftl", "bye = 再见\n"),
            ("en", "a.ftl", "bye = Bye\n"),
            ("en", "b.ftl", "hello = Hello\n"),
        ];
        assert!(catalogue_of(&moved).unwrap_err().contains("it sits in"));
    }

    #[test]
    fn fluent_the_generator_does_not_compile_is_refused() {
        let with = |english: &str| {
            catalogue_of(&[
                ("zh-CN", "a.ftl", "n = { $n } 个\n"),
                ("en", "a.ftl", english),
            ])
        };
        assert_eq!(with("n = { $n } of them\n"), Ok(1));
        assert!(with("n = { $n ->\n    [one] one\n   *[other] { $n }\n}\n")
            .unwrap_err()
            .contains("selectors"));
        assert!(with("n = { other-message }\n")
            .unwrap_err()
            .contains("only text"));
        assert!(with("n = { -brand }\n").unwrap_err().contains("only text"));
        assert!(with("n = x\n    .title = y\n")
            .unwrap_err()
            .contains("attributes"));
        assert!(with("n = {\n").unwrap_err().contains("not valid Fluent"));
    }

    #[test]
    fn localized_text_keeps_both_languages() {
        let said = Localized::new(text::feedback_loading);
        assert_eq!(said.get(Lang::Zh), "正在加载…");
        assert_eq!(said.get(Lang::En), "Loading…");
        assert_eq!(said.to_string(), "正在加载…");
        let from_fn: Localized = (text::feedback_loading as StaticText).into();
        assert_eq!(from_fn, said);
    }
}
