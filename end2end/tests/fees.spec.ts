import { expect, test, type Page } from "@playwright/test";
import { FEES } from "../playwright.config";
import { bindHousehold, collectPageErrors, anotherPerson as another, residentSignsIn, staffSignsIn, waitForHydration } from "./helpers";

// Heating fees (#20): a resident sees the season's bill and last season's,
// pays it through the demo's sandbox provider (the portal hands the payment
// to the provider's page; the provider tells the portal; the bill is paid
// only then), and reads the receipt. In every project: phone width and
// desktop, JavaScript on and off. Inside WeChat's browser only WeChat Pay
// is offered. Each project has its own resident and flat.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

// The demo seed's holders of WF10000070–73.
const FLATS = [
  { account: "WF10000070", holder: "孙立新" },
  { account: "WF10000071", holder: "马立新" },
  { account: "WF10000072", holder: "王淑珍" },
  { account: "WF10000073", holder: "李淑珍" },
];

const BASE_URL = `http://127.0.0.1:${FEES.port}`;
test.use({ baseURL: BASE_URL });

async function open(page: Page, url: string, javaScriptEnabled: boolean) {
  await page.goto(url);
  await waitForHydration(page, javaScriptEnabled);
}

test("a resident pays the season's bill through the provider and gets a receipt", async ({ page, javaScriptEnabled }, testInfo) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const index = PROJECTS.indexOf(testInfo.project.name);
  const flat = FLATS[index];
  const phoneWidth = testInfo.project.name.startsWith("phone");

  await residentSignsIn(page, `1390000090${index}`, javaScriptEnabled);
  await bindHousehold(page, flat.account, flat.holder, javaScriptEnabled);
  await page.getByRole("link", { name: /缴纳热费/ }).click();
  await expect(page).toHaveURL(/\/me\/bills$/);
  await waitForHydration(page, javaScriptEnabled);

  const bill = page.locator("section.bill").first();
  await expect(bill).toContainText("2026—2027 供暖季");
  await expect(bill).toContainText(flat.account);
  await expect(bill.locator("[data-status]")).toHaveAttribute("data-status", "unpaid");
  const amount = (await bill.locator(".bill__amount").textContent())!.trim();
  expect(amount).toMatch(/^¥\d+\.\d{2}$/);
  await expect(bill.locator(".bill__owed")).toHaveText(amount);
  // Last season, paid at the counter.
  await expect(page.locator("table")).toContainText("2025—2026 供暖季");
  await expect(page.locator("table [data-status]")).toHaveAttribute("data-status", "paid");
  // Nothing runs off a 360 px screen (the earlier seasons' table scrolls
  // inside its own box).
  if (phoneWidth) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }

  // On a phone WeChat Pay's page, on a desktop Alipay's cashier: the
  // provider's page, where the payer confirms (the sandbox stands in).
  const provider = phoneWidth ? "微信支付" : "支付宝";
  await bill.getByRole("button", { name: `用${provider}缴费` }).click();
  await expect(page).toHaveURL(/\/demo-pay\//);
  await expect(page.locator("h1")).toContainText(`演示收银台（模拟${provider}）`);
  await expect(page.locator(".amount")).toHaveText(amount);
  await page.getByRole("button", { name: `确认支付 ${amount}` }).click();

  // Back on the bills page, paid: the provider told the portal first.
  await expect(page).toHaveURL(/\/me\/bills\?returned=1$/);
  await waitForHydration(page, javaScriptEnabled);
  await expect(bill.locator("[data-status]")).toHaveAttribute("data-status", "paid");
  await expect(bill.locator(".bill__owed")).toHaveText("¥0.00");

  // The receipt, with the provider's transaction number.
  await bill.locator(".bill__lines a").first().click();
  await expect(page).toHaveURL(/\/me\/payments\/\d+$/);
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator("h1")).toHaveText("缴费凭证");
  await expect(page.locator(".receipt")).toHaveAttribute("data-state", "paid");
  await expect(page.locator(".receipt__amount")).toHaveText(amount);
  await expect(page.locator(".receipt__transaction")).toHaveText(/^\d{15,}$/);
  // Printing needs a script: the button shows only where it can work.
  const print = page.getByRole("button", { name: "打印凭证" });
  if (javaScriptEnabled) await expect(print).toBeVisible();
  else await expect(print).toBeHidden();

  // An e-invoice request, kept once.
  await page.getByLabel("发票抬头（个人姓名或单位名称）").fill(flat.holder);
  await page.getByRole("button", { name: "申请电子发票" }).click();
  await expect(page.locator("main")).toContainText(`已申请电子发票（抬头：${flat.holder}）`);
  expect(errors).toEqual([]);
});

test("inside WeChat only WeChat Pay is offered, and a grid worker sees who paid without amounts", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  test.setTimeout(60_000);
  test.skip(testInfo.project.name !== "phone-js" && testInfo.project.name !== "phone-no-js", "a phone's WeChat browser");
  const index = PROJECTS.indexOf(testInfo.project.name);
  const wechat = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 360, height: 740 },
    javaScriptEnabled,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    userAgent:
      "Mozilla/5.0 (Linux; Android 14; V2307A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160083 MMWEBSDK/20240404 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
  });
  const resident = await wechat.newPage();
  // A flat of its own (the demo seed's holders of WF10000082–83).
  const flat = [
    { account: "WF10000082", holder: "孙淑珍" },
    { account: "WF10000083", holder: "马淑珍" },
  ][index - 2];
  await residentSignsIn(resident, `1390000091${index}`, javaScriptEnabled);
  await bindHousehold(resident, flat.account, flat.holder, javaScriptEnabled);
  await open(resident, "/me/bills", javaScriptEnabled);
  const bill = resident.locator("section.bill").first();
  await expect(bill.getByRole("button", { name: "用微信支付缴费" })).toBeVisible();
  await expect(bill.getByRole("button", { name: "用支付宝缴费" })).toHaveCount(0);

  // A grid worker's list: paid or not, and no amounts anywhere.
  const grid = await another(browser, page, testInfo, BASE_URL);
  await staffSignsIn(grid, "grid_demo", javaScriptEnabled);
  await open(grid, "/fees", javaScriptEnabled);
  await expect(grid.locator("h1")).toHaveText("缴费情况");
  await expect(grid.locator("table [data-status]").first()).toBeVisible();
  expect(await grid.locator("main").textContent()).not.toContain("¥");
});
