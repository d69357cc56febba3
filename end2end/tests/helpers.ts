import { expect, type Browser, type Page, type TestInfo } from "@playwright/test";

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

/** The phone the demo city has on file for the holder of account WF1000000N. */
export function holderPhone(account: string): string {
  const number = Number(account.replace(/\D/g, "")) - 10_000_000;
  return `159${String(number).padStart(8, "0")}`;
}

/**
 * Binds a household as a resident does: account number and holder's name,
 * then the code texted to the holder's phone on file (the demo outbox
 * stands in for it); ends on /me with the household shown.
 */
export async function bindHousehold(page: Page, account: string, holder: string, javaScriptEnabled: boolean) {
  await page.goto("/me");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("供热户号（见缴费单）").fill(account);
  await page.getByLabel("户主姓名").fill(holder);
  await page.getByRole("button", { name: "绑定" }).click();
  await confirmWithHolderCode(page, account, javaScriptEnabled);
}

/**
 * On the page a binding request leads to, confirms it with the code texted
 * to the holder's phone on file for `account` (the demo outbox stands in
 * for it); ends on /me with the household shown.
 */
export async function confirmWithHolderCode(page: Page, account: string, javaScriptEnabled: boolean) {
  await expect(page).toHaveURL(/\/me\/settings\?binding=/);
  const confirmUrl = page.url();
  const phone = holderPhone(account);
  await page.goto("/demo/outbox");
  const text = await page.locator(`article.sms[data-recipient="${phone}"] .sms__text`).first().textContent();
  const code = text?.match(/验证码 (\d{6})/)?.[1];
  expect(code, `a binding code in: ${text}`).toBeTruthy();
  await page.goto(confirmUrl);
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator("main")).toContainText(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  await page.getByLabel("户主收到的验证码").fill(code!);
  await page.getByRole("button", { name: "确认绑定" }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.locator("section.household")).toContainText(account.replace(/\s/g, "").toUpperCase());
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

/** A second person on the same server (the project's, or `baseURL`), with the project's settings. */
export async function anotherPerson(
  browser: Browser,
  page: Page,
  testInfo: TestInfo,
  baseURL: string | undefined = testInfo.project.use.baseURL,
): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: page.viewportSize(),
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  return context.newPage();
}
