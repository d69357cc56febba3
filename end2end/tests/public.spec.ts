import { expect, test } from "@playwright/test";
import { collectPageErrors, waitForHydration } from "./helpers";
import { BEFORE_SEASON } from "../playwright.config";

// Every test runs in four projects: desktop and phone, each with JavaScript
// on (hydrated) and off (plain server-rendered HTML and forms).

test("home: season day, early-start notice, outage counts, hotlines", async ({ page, javaScriptEnabled }) => {
  const errors = collectPageErrors(page);
  await page.goto("/");
  await waitForHydration(page, javaScriptEnabled);
  await expect(page).toHaveTitle("首页 · 潍坊供热服务");
  const season = page.locator(".card--season");
  await expect(season.getByRole("heading")).toHaveText("2026—2027 供暖季");
  await expect(season.locator(".badge--on")).toHaveText("供暖中");
  // The seeded early start (10 Nov 12:00) makes 28 Nov day 19 of 126.
  await expect(season.locator(".season__big")).toContainText("本供暖季第 19 天");
  await expect(season.locator(".season__big")).toContainText("共 126 天");
  await expect(season).toContainText("2027年3月15日 12:00");
  await expect(season.locator(".announcement")).toContainText("提前供热");
  await expect(season.locator(".announcement")).toContainText("11月10日 12:00");
  await expect(page.locator(".count--off strong")).toHaveText("1");
  await expect(page.locator(".count--waiting strong")).toHaveText("1");
  await expect(page.getByRole("link", { name: "12345" }).first()).toHaveAttribute("href", "tel:12345");
  await expect(page.locator(".hotline")).toHaveCount(4);
  expect(errors).toEqual([]);
});

test("home before the season counts down to the regulated start", async ({ page, javaScriptEnabled }) => {
  if (javaScriptEnabled) await page.clock.install();
  await page.goto(`http://127.0.0.1:${BEFORE_SEASON.port}/`);
  await waitForHydration(page, javaScriptEnabled);
  const season = page.locator(".card--season");
  await expect(season.locator(".badge--waiting")).toHaveText("尚未供暖");
  // The early start is published on 3 Nov: on 1 Oct 08:00 nobody knows it
  // yet, so the countdown runs to the regulated 14 Nov 12:00.
  await expect(season.locator(".countdown")).toHaveText("44 天 4 小时");
  if (javaScriptEnabled) {
    // It ticks in the page, once a minute.
    await page.clock.runFor("01:00:00");
    await expect(season.locator(".countdown")).toHaveText("44 天 3 小时");
  }
  await expect(season).toContainText("2026年11月14日 12:00");
  await expect(season.locator(".announcement")).toHaveCount(0);
});

test("outages: every listed outage with its area, times and latest update", async ({ page }) => {
  await page.goto("/outages");
  const cards = page.locator("article.outage");
  await expect(cards).toHaveCount(3);
  // Reading order: ongoing, upcoming, restored.
  await expect(cards.nth(0)).toHaveAttribute("data-phase", "ongoing");
  await expect(cards.nth(1)).toHaveAttribute("data-phase", "upcoming");
  await expect(cards.nth(2)).toHaveAttribute("data-phase", "restored");

  const burst = cards.nth(0);
  await expect(burst.locator(".badge").first()).toHaveText("抢修停热");
  await expect(burst).toContainText("东方花园");
  await expect(burst).toContainText("全部楼栋");
  await expect(burst).toContainText("11月28日 07:00");
  await expect(burst).toContainText("11月28日 15:00");
  await expect(burst.locator(".outage__update")).toContainText("漏点已找到");

  const planned = cards.nth(1);
  await expect(planned.locator(".badge").first()).toHaveText("计划停热");
  await expect(planned).toContainText("向阳小区");
  await expect(planned).toContainText("2号楼、3号楼");

  await expect(cards.nth(2)).toContainText("已恢复");
});

test("outages: the district filter works as a plain form", async ({ page }) => {
  await page.goto("/outages");
  await page.getByLabel("区县").selectOption("高新区");
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/district=/);
  const cards = page.locator("article.outage");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("清池小区");
  await page.getByRole("link", { name: "清除" }).click();
  await expect(page.locator("article.outage")).toHaveCount(3);
});

test("building lookup: community, building and unit show heat status and outages", async ({ page, javaScriptEnabled }) => {
  await page.goto("/building");
  await waitForHydration(page, javaScriptEnabled);
  // A marker that survives only client-side navigation (no full reload).
  await page.evaluate(() => ((window as any).__samePage = true)).catch(() => undefined);

  await page.getByLabel("小区").selectOption({ label: "奎文区 · 东方花园" });
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/community=\d+/);
  await page.getByLabel("楼栋").selectOption({ label: "3号楼" });
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/building=\d+/);
  await page.getByLabel("单元（可不选）").selectOption({ label: "2单元" });
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/unit=\d+/);

  const report = page.locator(".report");
  await expect(report.getByRole("heading")).toHaveText("东方花园 3号楼 2单元");
  await expect(report.locator(".heat")).toHaveAttribute("data-heat", "off");
  await expect(report.locator(".heat")).toHaveText("停热中");
  await expect(report).toContainText("东方花园换热站");
  await expect(report).toContainText("潍坊市热力有限公司");
  const outages = page.locator("article.outage");
  await expect(outages).toHaveCount(1);
  await expect(outages.first()).toContainText("东风东街一次网管道爆管抢修");

  if (javaScriptEnabled) {
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  }

  // With JavaScript, a move within the page (the skip link's #main) and
  // back from it keep the choice without asking the server again.
  const fetched: string[] = [];
  if (javaScriptEnabled) {
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/building") fetched.push(request.url());
    });
    await page.evaluate(() => (location.hash = "main"));
    await expect(page).toHaveURL(/#main$/);
    await page.goBack();
    await expect(page).toHaveURL(/unit=\d+$/);
  }

  // Back shows the choice before (in place, with JavaScript).
  await page.goBack();
  await expect(page).not.toHaveURL(/unit=/);
  await expect(report.getByRole("heading")).toHaveText("东方花园 3号楼");
  if (javaScriptEnabled) {
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
    expect(fetched, "only the last step back asks the server").toHaveLength(1);
  }
});

test("building lookup: a building with no outage has heat", async ({ page }) => {
  await page.goto("/building");
  await page.getByLabel("小区").selectOption({ label: "奎文区 · 金宝花园" });
  await page.getByRole("button", { name: "查询" }).click();
  await page.getByLabel("楼栋").selectOption({ label: "1号楼" });
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.locator(".report .heat")).toHaveAttribute("data-heat", "on");
  await expect(page.locator(".report .heat")).toHaveText("正常供热");
  await expect(page.getByText("本供暖季该楼栋没有停热记录。")).toBeVisible();
});

test("building lookup: a district narrows the communities offered", async ({ page, javaScriptEnabled }) => {
  await page.goto("/building");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("区县").selectOption("高新区");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/district=/);
  const communities = page.getByLabel("小区").locator("option");
  await expect(communities.filter({ hasText: "清池小区" })).toHaveCount(1);
  await expect(communities.filter({ hasText: "东方花园" })).toHaveCount(0);

  // Another district drops the community chosen in the first.
  await page.getByLabel("小区").selectOption({ label: "清池小区" });
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/community=\d+/);
  await page.getByLabel("区县").selectOption("奎文区");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByLabel("小区")).toHaveValue("");
  await expect(page.getByLabel("小区").locator("option").filter({ hasText: "东方花园" })).toHaveCount(1);
});

test("an unknown address answers 404 with a way home", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  await expect(page.getByRole("link", { name: "返回首页" })).toBeVisible();
});

test("pages fit the screen without sideways scrolling", async ({ page }) => {
  for (const path of ["/", "/outages", "/building?community=2&building=7"]) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
});
