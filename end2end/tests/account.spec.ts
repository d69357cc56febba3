import { expect, test } from "@playwright/test";
import { bindHousehold, codeFromOutbox, collectPageErrors, waitForHydration } from "./helpers";

// Signing in and what each person then sees. Every test runs in the four
// projects (desktop/phone × JavaScript on/off); each project signs in with a
// number of its own, since the demo server's clock stands still and a number
// gets one code a minute.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

function phoneFor(project: string): string {
  return `1390000010${PROJECTS.indexOf(project)}`;
}

// Flats of 东方花园 (cold this morning), one a project: a binding texts the
// holder's phone on file, one code a minute, and the clock stands still.
const COLD_FLATS = [
  { account: "WF10000145", holder: "李志强" },
  { account: "WF10000146", holder: "张志强" },
  { account: "WF10000147", holder: "刘志强" },
  { account: "WF10000148", holder: "陈志强" },
];

test("a resident signs in with a texted code, binds a household and sees its heat", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = collectPageErrors(page);
  const phone = phoneFor(testInfo.project.name);
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`;

  await page.goto("/");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByRole("link", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel("手机号").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page).toHaveURL(/step=code/);
  await expect(page.locator("main")).toContainText(`验证码已发送至 ${masked}`);

  const code = await codeFromOutbox(page, phone);
  await page.goto("/signin?step=code");
  await waitForHydration(page, javaScriptEnabled);
  // A wrong code first: the page says so and keeps the form.
  const wrong = code.slice(0, 5) + ((Number(code[5]) + 1) % 10);
  await page.getByLabel("短信验证码").fill(wrong);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.locator(".form-error")).toContainText("验证码不正确，还可以再试 4 次");
  await page.getByLabel("短信验证码").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/me$/);
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator(".site-nav__account")).toContainText(masked);

  // 东方花园 is cold this morning: the pipe burst on 东风东街.
  const flat = COLD_FLATS[PROJECTS.indexOf(testInfo.project.name)];
  await bindHousehold(page, flat.account, flat.holder, javaScriptEnabled);
  const card = page.locator("section.household");
  await expect(card).toHaveCount(1);
  await expect(card.locator("h2")).toContainText("东方花园");
  await expect(card).toContainText(flat.account);
  await expect(card.locator("[data-heat]")).toHaveAttribute("data-heat", "off");
  await expect(card.locator("article.outage")).toContainText("东风东街一次网管道爆管抢修");

  // Large text holds on every page, before any script runs.
  await page.goto("/me/settings");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByRole("button", { name: "开启大字模式" }).click();
  await expect(page.locator("html")).toHaveClass(/large-text/);
  await page.goto("/outages");
  await expect(page.locator("html")).toHaveClass(/large-text/);
  const rootPixels = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(await rootPixels()).toBeGreaterThan(20);
  await page.goto("/me/settings");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByRole("button", { name: "关闭大字模式" }).click();
  await expect(page.locator("html")).not.toHaveClass(/large-text/);
  expect(await rootPixels()).toBeLessThan(18);

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/signed_out=1/);
  await expect(page.locator(".site-nav__account")).toContainText("登录");
  await page.goto("/me");
  await expect(page).toHaveURL(/\/signin$/);
  expect(errors).toEqual([]);
});

test("staff sign in and see their own scope", async ({ page, javaScriptEnabled }) => {
  const errors = collectPageErrors(page);
  await page.goto("/staff/signin");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("用户名").fill("grid_demo");
  await page.getByLabel("密码").fill("heatdesk2026");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/grid$/);
  await waitForHydration(page, javaScriptEnabled);
  const rows = page.locator("table.table tbody tr");
  // The demo grid: 金宝花园 (6 buildings) and 东方花园 (5).
  await expect(rows).toHaveCount(11);
  await expect(page.locator("table.table tbody")).not.toContainText("十笏园小区");
  await expect(page.locator(".site-nav__account")).toContainText("李海燕");
  expect(errors).toEqual([]);
});

test("the admin sees staff accounts and the audit log", async ({ page, javaScriptEnabled }) => {
  await page.goto("/staff/signin");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("用户名").fill("admin_demo");
  await page.getByLabel("密码").fill("heatdesk2026");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator('section.staff-account[data-username="grid_demo"]')).toContainText("网格员");
  await page.getByRole("link", { name: "查看审计日志" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.locator("table.audit tbody")).toContainText("sign_in");
});
