//! 演示短信箱: in demo mode, the texts the portal "sent" (there is no real
//! phone on a demo). Not there at all otherwise.

use crate::api::account::load_demo_outbox;
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::phone::mask_phone;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::text;

#[component]
pub fn DemoOutboxPage() -> impl IntoView {
    let lang = use_lang();
    let messages = Resource::new(|| (), |_| load_demo_outbox());
    view! {
        <Title text=text::demo_outbox_demo_outbox(lang) />
        <h1 class="page-title">{text::demo_outbox_demo_outbox(lang)}</h1>
        <p class="muted">{text::demo_outbox_in_demo_mode_no_text_is(lang)}</p>
        {loaded(messages, move |messages| {
            if messages.is_empty() {
                return view! { <p class="card">{text::demo_outbox_no_texts_yet(lang)}</p> }.into_any();
            }
            messages
                .into_iter()
                .map(|m| view! {
                    <article class="card sms" data-recipient=m.recipient.clone()>
                        <p class="muted">{mask_phone(&m.recipient)}" · "<Moment at=m.at /></p>
                        <p class="sms__text">{m.text}</p>
                    </article>
                })
                .collect_view()
                .into_any()
        })}
    }
}
