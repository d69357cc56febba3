import { expect, type Page } from "@playwright/test";

/** Console errors and uncaught exceptions of a page, to assert there are none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** With JavaScript on, waits until the wasm has taken over the page. */
export async function waitForHydration(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) {
    // The hydrate entry marks the document once the wasm has taken over.
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  }
}

/** Reads the newest code texted to `phone` from the demo outbox page. */
export async function codeFromOutbox(page: Page, phone: string): Promise<string> {
  await page.goto("/demo/outbox");
  const text = await page.locator(`article.sms[data-recipient="${phone}"] .sms__text`).first().textContent();
  const code = text?.match(/验证码是 (\d{6})/)?.[1];
  expect(code, `a code for ${phone} in: ${text}`).toBeTruthy();
  return code!;
}

/** Signs a resident in with the code the demo outbox shows; ends on /me. */
export async function residentSignsIn(page: Page, phone: string, javaScriptEnabled: boolean) {
  await page.goto("/signin");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("手机号").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page).toHaveURL(/step=code/);
  const code = await codeFromOutbox(page, phone);
  await page.goto("/signin?step=code");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("短信验证码").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/me$/);
}

/** Signs a demo staff member in; ends on their start page. */
export async function staffSignsIn(page: Page, username: string, javaScriptEnabled: boolean) {
  await page.goto("/staff/signin");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("heatdesk2026");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).not.toHaveURL(/signin/);
}
