import { expect, test } from "@playwright/test";
import { collectPageErrors, holderPhone, staffSignsIn, waitForHydration } from "./helpers";

// Staff desks at every project's size, with JavaScript on and off: a grid
// worker files for a resident who consents with a texted code, and a
// dispatcher reads the reports.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

// Flats of 金宝花园 (in the demo grid worker's grid) no demo case is about.
const GRID_FLATS = ["WF10000060", "WF10000061", "WF10000062", "WF10000063"];

test("a grid worker files a complaint for a resident with the resident's code", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const index = PROJECTS.indexOf(testInfo.project.name);
  // The code goes to a phone the household stands behind: the holder's on file.
  const phone = holderPhone(GRID_FLATS[index]);
  const errors = collectPageErrors(page);

  await staffSignsIn(page, "grid_demo", js);
  await page.goto("/grid");
  await waitForHydration(page, js);
  await expect(page.getByRole("heading", { name: "我的网格" })).toBeVisible();
  await page.getByLabel("办理事项").selectOption("temperature");
  await page.getByLabel("供热户号").fill(GRID_FLATS[index]);
  await page.getByLabel("居民手机号").fill(phone);
  await page.getByRole("button", { name: "发送验证码给居民" }).click();
  await expect(page).toHaveURL(/\/file\/temperature\?consent=/);
  const formUrl = page.url();

  // The resident reads the code out; the demo outbox stands in for the phone.
  await page.goto("/demo/outbox");
  const text = await page.locator(`article.sms[data-recipient="${phone}"] .sms__text`).first().textContent();
  const code = text?.match(/验证码 (\d{6})/)?.[1];
  expect(code, `a consent code in: ${text}`).toBeTruthy();

  await page.goto(formUrl);
  await waitForHydration(page, js);
  await expect(page.locator(".consent")).toContainText(`159****${phone.slice(7)}`);
  await page.getByLabel("居民收到的验证码").fill(code!);
  await page.getByLabel("温度计读数（℃）").fill("16");
  await page.getByRole("button", { name: "提交投诉" }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator(".timeline__entry", { hasText: "代居民提交" })).toHaveCount(1);
  const casePath = new URL(page.url()).pathname;

  // The grid's desk lists it.
  await page.goto("/grid");
  await waitForHydration(page, js);
  await expect(page.locator(`a[href="${casePath}"]`)).toBeVisible();
  expect(errors).toEqual([]);
});

test("a dispatcher reads the daily list and switches to the week", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  await staffSignsIn(page, "dispatch_demo", js);
  await page.goto("/reports");
  await waitForHydration(page, js);
  await expect(page.getByRole("heading", { name: /日调度/ })).toBeVisible();
  await expect(page.locator("figure.chart svg").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "导出 CSV" })).toHaveAttribute("href", /cases\.csv\?period=day/);
  await page.getByLabel("报表").selectOption("week");
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/period=week/);
  await expect(page.getByRole("heading", { name: /周分析/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a dispatcher finds the queue's cases of one community by name", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  await staffSignsIn(page, "dispatch_demo", js);
  await page.goto("/dispatch");
  await waitForHydration(page, js);
  const rows = page.locator(".case-list .case-row");
  const all = await rows.count();
  expect(all).toBeGreaterThan(1);
  // The first case's community ("CASE-NO · 东方花园 3号楼"), by part of its name.
  const meta = await rows.first().locator(".case-row__meta .muted").innerText();
  const community = meta.split(" · ")[1].split(" ")[0];
  const part = community.slice(0, 2);
  await page.getByLabel("小区或换热站").fill(part);
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/place=/);
  await expect(page.getByLabel("小区或换热站")).toHaveValue(part);
  await expect(rows.first()).toContainText(community);
  const found = await rows.count();
  expect(found).toBeLessThanOrEqual(all);
  for (const text of await rows.allInnerTexts()) expect(text).toContain(part);
  expect(errors).toEqual([]);
});
