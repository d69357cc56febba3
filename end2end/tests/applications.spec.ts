import { expect, test, type Page } from "@playwright/test";
import { APPLICATIONS } from "../playwright.config";
import { bindHousehold, collectPageErrors, confirmWithHolderCode, anotherPerson as another, residentSignsIn, staffSignsIn, waitForHydration } from "./helpers";

// 报停 that takes effect (#19): a resident applies, the dispatcher approves
// and sends the crew, the crew seals the valve with a photo and the seal
// number, and only then is the household suspended; its temperature
// complaint is then answered without a case. Runs in every project, so at
// phone width and with JavaScript off too. Each project has its own
// resident and flat of 金宝花园 that no other spec uses.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

// The demo seed's holders of WF10000052–55.
const FLATS = [
  { account: "WF10000052", holder: "陈海燕" },
  { account: "WF10000053", holder: "杨海燕" },
  { account: "WF10000054", holder: "赵海燕" },
  { account: "WF10000055", holder: "黄海燕" },
];

// A real 1×1 PNG: the server reads every upload as an image.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);


const BASE_URL = `http://127.0.0.1:${APPLICATIONS.port}`;
test.use({ baseURL: BASE_URL });

async function open(page: Page, url: string, javaScriptEnabled: boolean) {
  await page.goto(url);
  await waitForHydration(page, javaScriptEnabled);
}

test("a suspension is sealed by the crew before the household is suspended", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const index = PROJECTS.indexOf(testInfo.project.name);
  const flat = FLATS[index];
  const seal = `QF2026-07${index}`;

  await residentSignsIn(page, `1390000070${index}`, javaScriptEnabled);
  await bindHousehold(page, flat.account, flat.holder, javaScriptEnabled);
  await expect(page.locator("section.household")).toContainText("正常用热");

  // The application, with a photo of the documents.
  await open(page, "/file/application?kind=suspend", javaScriptEnabled);
  await expect(page.getByRole("radio", { name: /^报停/ })).toBeChecked();
  await page.getByLabel("我家有独立的入户关断阀门（报停必需）").check();
  await page.getByLabel("材料照片（必传，见上方所需材料）").setInputFiles({ name: "身份证.png", mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  const caseUrl = new URL(page.url()).pathname;
  await expect(page.locator("[data-state]").first()).toHaveAttribute("data-state", "submitted");

  // The dispatcher approves and sends the crew; approval alone changes
  // nothing at home.
  const dispatcher = await another(browser, page, testInfo, BASE_URL);
  await staffSignsIn(dispatcher, "dispatch_demo", javaScriptEnabled);
  await open(dispatcher, caseUrl, javaScriptEnabled);
  await dispatcher.getByRole("button", { name: "审核通过" }).click();
  await expect(dispatcher.locator("[data-state]").first()).toHaveAttribute("data-state", "approved");
  await open(page, "/me", javaScriptEnabled);
  await expect(page.locator("section.household")).toContainText("正常用热");
  await open(dispatcher, caseUrl, javaScriptEnabled);
  await dispatcher.getByLabel("抢修队").selectOption({ label: "奎文抢修一队" });
  await dispatcher.getByRole("button", { name: "派单" }).click();
  await expect(dispatcher.locator("[data-state]").first()).toHaveAttribute("data-state", "dispatched");

  // The crew arrives and seals the valve: a seal number and a photo.
  const crew = await another(browser, page, testInfo, BASE_URL);
  await staffSignsIn(crew, "crew_demo", javaScriptEnabled);
  await open(crew, caseUrl, javaScriptEnabled);
  await crew.getByRole("button", { name: "到达现场" }).click();
  await expect(crew.locator("[data-state]").first()).toHaveAttribute("data-state", "on_site");
  await crew.getByLabel("铅封号（新加铅封上的编号）").fill(seal.toLowerCase());
  await crew.getByLabel(/现场照片/).setInputFiles({ name: "阀门.png", mimeType: "image/png", buffer: PNG });
  await crew.getByRole("button", { name: "关阀铅封" }).click();
  await expect(crew).toHaveURL(new RegExp(`${caseUrl}$`));
  await expect(crew.locator("[data-state]").first()).toHaveAttribute("data-state", "done");
  await expect(crew.locator("ol.timeline")).toContainText(`关阀铅封，铅封号 ${seal}`);

  // The resident's home is suspended from the seal date, and a complaint
  // of cold is answered without a case.
  await open(page, "/me", javaScriptEnabled);
  await expect(page.locator("section.household")).toContainText("已报停（自2026年11月28日起）");
  await open(page, "/file/temperature", javaScriptEnabled);
  await page.getByLabel("客厅").check();
  await page.getByLabel("温度计读数（℃）").fill("12");
  await page.getByLabel("我已按上面的方法测温").check();
  await page.getByRole("button", { name: "提交投诉" }).click();
  await expect(page.locator("main")).toContainText("您家已报停");
  await expect(page).not.toHaveURL(/\/cases\/\d+$/);

  expect(errors).toEqual([]);
});

// Homes of 金宝花园 3号楼 1单元 (WF10000056–59) for binding by address.
const HOMES = [
  { account: "WF10000056", room: "402", holder: "周海燕" },
  { account: "WF10000057", room: "501", holder: "吴海燕" },
  { account: "WF10000058", room: "502", holder: "孙海燕" },
  { account: "WF10000059", room: "601", holder: "马海燕" },
];

test("a resident without the account number finds the home by its address", async ({ page, javaScriptEnabled }, testInfo) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const index = PROJECTS.indexOf(testInfo.project.name);
  const home = HOMES[index];
  await residentSignsIn(page, `1390000080${index}`, javaScriptEnabled);
  await page.getByRole("link", { name: "不知道户号？按地址找到我家" }).click();
  await expect(page).toHaveURL(/\/me\/bind$/);
  await waitForHydration(page, javaScriptEnabled);

  // Each choice: in place with JavaScript, "下一步" without it.
  const choose = async (label: string, option: string, next: string) => {
    await page.getByLabel(label, { exact: true }).selectOption({ label: option });
    if (!javaScriptEnabled) {
      await page.getByRole("button", { name: "下一步" }).click();
    }
    await expect(page.getByLabel(next, { exact: true })).toBeEnabled();
  };
  await choose("区县", "奎文区", "小区");
  await choose("小区", "金宝花园", "楼栋");
  await choose("楼栋", "3号楼", "单元");
  await page.getByLabel("单元", { exact: true }).selectOption({ label: "1单元" });
  if (!javaScriptEnabled) {
    await page.getByRole("button", { name: "下一步" }).click();
  }
  await page.getByLabel(home.room, { exact: true }).check();

  // A wrong name says whom to call; the right one goes on to the code.
  await page.getByLabel("户主姓名").fill("不是户主");
  await page.getByRole("button", { name: "绑定" }).click();
  await expect(page.locator(".form-error")).toContainText("0536-8231234");
  await page.getByLabel(home.room, { exact: true }).check();
  await page.getByLabel("户主姓名").fill(home.holder);
  await page.getByRole("button", { name: "绑定" }).click();
  await confirmWithHolderCode(page, home.account, javaScriptEnabled);

  expect(errors).toEqual([]);
});
