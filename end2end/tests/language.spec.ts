import { expect, test } from "@playwright/test";
import { codeFromOutbox, waitForHydration } from "./helpers";

// A reader who chose English reads English refusals too: they come from the
// one translation catalogue, whether a rule in `domain`, the backend or the
// server function refused. Each project uses a number of its own (one code a
// minute per number, and the demo clock stands still).

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

function phoneFor(project: string): string {
  return `1390000060${PROJECTS.indexOf(project)}`;
}

test.beforeEach(async ({ context, baseURL }) => {
  await context.addCookies([{ name: "hd_lang", value: "en", url: baseURL! }]);
});

test("an English reader is refused in English", async ({ page, javaScriptEnabled }, testInfo) => {
  await page.goto("/signin");
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  // A rule in `domain` (the mobile number's shape).
  await page.getByLabel("Mobile number").fill("12345");
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.locator(".form-error")).toHaveText("A mobile number has 11 digits and starts with 13 to 19");

  // A verdict the backend reaches with the code's tries left.
  const phone = phoneFor(testInfo.project.name);
  await page.getByLabel("Mobile number").fill(phone);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page).toHaveURL(/step=code/);
  const code = await codeFromOutbox(page, phone);
  await page.goto("/signin?step=code");
  await waitForHydration(page, javaScriptEnabled);
  const wrong = code.slice(0, 5) + ((Number(code[5]) + 1) % 10);
  await page.getByLabel("Code from the text message").fill(wrong);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".form-error")).toHaveText("The code is wrong; 4 tries left");
  await expect(page.locator(".form-error")).not.toContainText("验证码");

  // The staff sign-in's one answer for every failure.
  await page.goto("/staff/signin");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("Username").fill("nobody_at_all");
  await page.getByLabel("Password").fill("not-the-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".form-error")).toContainText("Wrong user name or password.");
});

test("Chinese stays the default for a reader who chose nothing", async ({ page, context, javaScriptEnabled }) => {
  await context.clearCookies();
  await page.goto("/signin");
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.getByLabel("手机号").fill("12345");
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.locator(".form-error")).toHaveText("手机号码应为 11 位数字，以 13 至 19 开头");
});
