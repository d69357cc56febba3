import { expect, test } from "@playwright/test";
import { DESK } from "../playwright.config";
import { collectPageErrors, staffSignsIn, waitForHydration } from "./helpers";

// The city heating authority (市供热主管部门), at every project's size with
// JavaScript on and off: it extends the season for one company and the
// home page shows the decision at once; its reports set every company's
// figures side by side. On the duty desk's server: a decision changes the
// season the other specs read. (The fixed clock is 2026-11-28 10:00.)
test.use({ baseURL: `http://127.0.0.1:${DESK.port}` });

test("the authority extends a company's season and compares every company", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  const reason = `寒潮预计持续，城东片区延长供热（${testInfo.project.name}）`;

  await staffSignsIn(page, "authority_demo", js);
  await expect(page).toHaveURL(/\/authority\/season$/);
  await waitForHydration(page, js);
  await page.getByLabel("决定类型").selectOption("extension");
  await page.getByLabel("生效时间").fill("2027-03-31T23:59");
  await page.getByLabel("原因（居民可见）").fill(reason);
  await page.getByLabel("适用的供热单位").selectOption({ label: "城东热电" });
  await page.getByRole("button", { name: "发布决定" }).click();
  // Back on the desk (the form is plain HTML), the season card lists the
  // decision and the form says it went through.
  await expect(page.locator("li.announcement", { hasText: reason })).toBeVisible();
  await expect(page.locator("main")).toContainText("已发布，各页面即时更新");

  // Residents read it on the home page at once, with whom it concerns.
  await page.goto("/");
  const announcement = page.locator("li.announcement", { hasText: reason });
  await expect(announcement).toBeVisible();
  await expect(announcement.locator(".announcement__scope")).toContainText("城东热电");

  // The city's oversight: one row per company and the city's total.
  await page.goto("/authority/season");
  await waitForHydration(page, js);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "报表" }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await waitForHydration(page, js);
  await page.getByLabel("报表").selectOption("month");
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/period=month/);
  const table = page.locator("table.city-figures");
  await expect(table.locator("caption")).toContainText("12345");
  for (const company of ["市热力公司", "城东热电"]) {
    await expect(table.locator("tbody th", { hasText: company })).toBeVisible();
  }
  await expect(table.locator("tfoot th")).toHaveText("全市合计");
  const filed = await table.locator("tfoot td").first().textContent();
  expect(Number(filed)).toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: "导出 CSV" })).toHaveCount(0);

  // 室温达标率 from the simulated sensors (they back-fill the two days
  // before the fixed clock when the server starts): the month's rate per
  // company and the city's, and each day's, with cold flats below 100 %.
  await expect(table.locator("thead th").last()).toHaveText("室温达标率");
  const perDay = page.locator("section.compliance-days");
  const day27 = perDay.locator("tbody tr", { hasText: "11-27" });
  await expect(async () => {
    await page.reload();
    await expect(day27.locator("td").last()).toHaveText(/^\d+\.\d%$/, { timeout: 1_000 });
  }).toPass({ timeout: 25_000 });
  const cityRate = parseFloat((await day27.locator("td").last().textContent()) ?? "");
  expect(cityRate).toBeGreaterThan(50);
  expect(cityRate).toBeLessThan(100);
  await expect(table.locator("tfoot td").last()).toHaveText(/^\d+\.\d%$/);
  // A day nothing was measured on says so, not 0 %.
  await expect(perDay.locator("tbody tr", { hasText: "11-30" }).locator("td").last()).toHaveText("—");
  await expect(perDay).toContainText("停热公告时段和非供暖期不计");
  await page.screenshot({ path: testInfo.outputPath("city-figures.png"), fullPage: true });
  expect(errors).toEqual([]);
});

test("an outage page shares as a card inside WeChat", async ({ browser, page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  await page.goto("/outages");
  const href = await page.locator("a[href^='/outages/']").filter({ hasText: /./ }).first().getAttribute("href");
  const outagePath = href!.match(/^\/outages\/\d+/)![0];

  // Everywhere: Open Graph tags in the page as the server sends it.
  await page.goto(outagePath);
  const og = (property: string) => page.locator(`meta[property="og:${property}"]`);
  await expect(og("title")).toHaveAttribute("content", /\S/);
  await expect(og("description")).toHaveAttribute("content", /停热|恢复供热|取消/);
  await expect(og("url")).toHaveAttribute("content", `http://127.0.0.1:${DESK.port}${outagePath}`);
  await expect(og("image")).toHaveAttribute("content", /\/share-icon\.png$/);
  const icon = await page.request.get("/share-icon.png");
  expect(icon.headers()["content-type"]).toContain("image/png");
  if (!js) return;

  // Inside WeChat: the script asks for the signed config and hands the
  // card to the JS-SDK. WeChat's servers are played by routes here; the
  // signature itself is checked against WeChat's example in Rust.
  const use = testInfo.project.use;
  const wechat = await browser.newContext({
    baseURL: `http://127.0.0.1:${DESK.port}`,
    viewport: use.viewport,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    userAgent:
      "Mozilla/5.0 (Linux; Android 13; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) " +
      "Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.49.2600 NetType/WIFI Language/zh_CN",
  });
  const inWeChat = await wechat.newPage();
  const errors = collectPageErrors(inWeChat);
  let askedFor = "";
  await inWeChat.route("**/wechat/share-config?*", (route) => {
    askedFor = new URL(route.request().url()).searchParams.get("url") ?? "";
    return route.fulfill({
      json: { appId: "wx-e2e", timestamp: 1764900000, nonceStr: "e2e-nonce", signature: "e2e-signature" },
    });
  });
  await inWeChat.route("https://res.wx.qq.com/**", (route) =>
    route.fulfill({
      contentType: "application/javascript",
      body: `window.__wx = {};
        window.wx = {
          config: function (c) { window.__wx.config = c; },
          ready: function (f) { setTimeout(f, 0); },
          updateAppMessageShareData: function (d) { window.__wx.card = d; },
          updateTimelineShareData: function (d) { window.__wx.timeline = d; }
        };`,
    }),
  );
  await inWeChat.goto(`${outagePath}#from-chat`);
  await inWeChat.waitForFunction(() => (window as any).__wx?.card !== undefined);
  const shared = await inWeChat.evaluate(() => (window as any).__wx);
  expect(askedFor).toBe(`http://127.0.0.1:${DESK.port}${outagePath}`);
  expect(shared.config).toMatchObject({ appId: "wx-e2e", signature: "e2e-signature", nonceStr: "e2e-nonce" });
  expect(shared.config.jsApiList).toContain("updateAppMessageShareData");
  expect(shared.card.title).toBe(await og("title").getAttribute("content"));
  expect(shared.card.desc).toBe(await og("description").getAttribute("content"));
  expect(shared.card.imgUrl).toMatch(/\/share-icon\.png$/);
  expect(shared.card.link).toBe(askedFor);
  expect(errors).toEqual([]);
  await wechat.close();
});
