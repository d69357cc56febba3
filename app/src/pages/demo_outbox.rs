//! 演示短信箱: in demo mode, the texts the portal "sent" (there is no real
//! phone on a demo). Not there at all otherwise.

use crate::api::account::load_demo_outbox;
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::phone::mask_phone;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DemoOutboxPage() -> impl IntoView {
    let lang = use_lang();
    let messages = Resource::new(|| (), |_| load_demo_outbox());
    view! {
        <Title text=lang.t("演示短信箱", "Demo outbox") />
        <h1 class="page-title">{lang.t("演示短信箱", "Demo outbox")}</h1>
        <p class="muted">{lang.t("演示模式下短信不会真的发出，最近的短信显示在这里。", "In demo mode no text is really sent; the latest ones appear here.")}</p>
        {loaded(messages, move |messages| {
            if messages.is_empty() {
                return view! { <p class="card">{lang.t("还没有短信。", "No texts yet.")}</p> }.into_any();
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
