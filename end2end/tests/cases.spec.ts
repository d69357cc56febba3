import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { bindHousehold, collectPageErrors, anotherPerson as another, residentSignsIn, staffSignsIn, waitForHydration } from "./helpers";

// The whole loop of a case at a phone's width: a resident files a temperature
// complaint and a repair, the dispatcher assigns a crew, the crew goes and
// fixes it, the resident confirms and rates, and the timeline shows every
// step. Runs in every project, so also with JavaScript off. Each project
// uses its own resident and flat; the server is shared.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];

// Flats of 金宝花园 2号楼 no demo case is about, with their holders (the
// demo seed's names).
const FLATS = [
  { account: "WF10000040", holder: "陈桂兰" },
  { account: "WF10000041", holder: "杨桂兰" },
  { account: "WF10000042", holder: "赵桂兰" },
  { account: "WF10000043", holder: "黄桂兰" },
];

// More flats of the same building, for the second test.
const WARM_FLATS = [
  { account: "WF10000044", holder: "周桂兰" },
  { account: "WF10000045", holder: "吴桂兰" },
  { account: "WF10000046", holder: "孙桂兰" },
  { account: "WF10000047", holder: "马桂兰" },
];

function forProject(testInfo: TestInfo) {
  const index = PROJECTS.indexOf(testInfo.project.name);
  return { phone: `1390000020${index}`, flat: FLATS[index] };
}


async function step(page: Page, caseUrl: string, button: string, javaScriptEnabled: boolean) {
  await page.goto(caseUrl);
  await waitForHydration(page, javaScriptEnabled);
  await page.getByRole("button", { name: button }).click();
}

test("a complaint and a repair are filed, worked, confirmed and rated", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const { phone, flat } = forProject(testInfo);

  await residentSignsIn(page, phone, javaScriptEnabled);
  await bindHousehold(page, flat.account, flat.holder, javaScriptEnabled);

  // 室温投诉: the guide, the reading, the promise to measure within 24 hours.
  await page.getByRole("link", { name: /室温投诉/ }).click();
  await expect(page).toHaveURL(/\/file\/temperature$/);
  await waitForHydration(page, javaScriptEnabled);
  await expect(page.locator(".guide")).toContainText("关好门窗 2 小时以上");
  await page.getByLabel("客厅").check();
  await page.getByLabel("温度计读数（℃）").fill("16.5");
  await page.getByLabel("我已按上面的方法测温").check();
  await page.getByRole("button", { name: "提交投诉" }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator(".case-summary__promise")).toContainText("工作人员应于 11月29日 10:00 前上门测温");
  await expect(page.locator(".case-summary")).toContainText("客厅 16.5 ℃");

  // 故障报修: a cold radiator, due within 2 hours.
  await page.goto("/me");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByRole("link", { name: /故障报修/ }).click();
  await expect(page).toHaveURL(/\/file\/repair$/);
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("暖气片不热").check();
  await page.getByLabel("情况描述").fill("卧室暖气片上半部分不热");
  await page.getByRole("button", { name: "提交报修" }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  const repairUrl = new URL(page.url()).pathname;
  await expect(page.locator(".case-summary__promise")).toContainText("抢修人员应于 11月28日 12:00 前到达");
  await expect(page.locator("[data-state]").first()).toHaveAttribute("data-state", "acknowledged");

  // Both are on the resident's list.
  await page.goto("/cases");
  await expect(page.locator(".case-list .case-row")).toHaveCount(2);

  // With JavaScript the resident keeps the repair open (its clock under the
  // test's hand): the page will say when there is news.
  if (javaScriptEnabled) {
    await page.clock.install();
    await page.goto(repairUrl);
    await waitForHydration(page, javaScriptEnabled);
  }

  // The dispatcher assigns the crew.
  const dispatcher = await another(browser, page, testInfo);
  await staffSignsIn(dispatcher, "dispatch_demo", javaScriptEnabled);
  await expect(dispatcher).toHaveURL(/\/dispatch$/);
  await expect(dispatcher.locator(`a[href="${repairUrl}"]`)).toHaveCount(1);
  await dispatcher.goto(repairUrl);
  await waitForHydration(dispatcher, javaScriptEnabled);
  await dispatcher.getByLabel("抢修队").selectOption({ label: "奎文抢修一队" });
  await dispatcher.getByRole("button", { name: "派单" }).click();
  await expect(dispatcher.locator("[data-state]").first()).toHaveAttribute("data-state", "dispatched");
  if (javaScriptEnabled) {
    // The open page asks every 15 s; it offers a reload, which shows the step.
    await expect(page.locator(".case-news")).toHaveCount(0);
    await page.clock.runFor(16_000);
    await expect(page.locator(".case-news")).toContainText("此工单有新进展");
    await page.getByRole("link", { name: "刷新查看" }).click();
    await expect(page.locator("[data-state]").first()).toHaveAttribute("data-state", "dispatched");
  }

  // The crew: on the way, on site, fixed with a note.
  const crew = await another(browser, page, testInfo);
  await staffSignsIn(crew, "crew_demo", javaScriptEnabled);
  await expect(crew).toHaveURL(/\/jobs$/);
  await step(crew, repairUrl, "出发", javaScriptEnabled);
  await expect(crew.locator("[data-state]").first()).toHaveAttribute("data-state", "on_the_way");
  await step(crew, repairUrl, "到达现场", javaScriptEnabled);
  await expect(crew.locator("[data-state]").first()).toHaveAttribute("data-state", "on_site");
  await expect(crew.locator(".case-summary")).toContainText("（按时）");
  await crew.getByLabel("处理情况（必填）").fill("暖气片排气，恢复正常");
  await crew.getByRole("button", { name: "完成处理" }).click();
  await expect(crew).toHaveURL(new RegExp(`${repairUrl}$`));
  await expect(crew.locator("[data-state]").first()).toHaveAttribute("data-state", "fixed");

  // The resident confirms and rates; the timeline holds every step.
  await step(page, repairUrl, "已修好，确认办结", javaScriptEnabled);
  await expect(page.locator("[data-state]").first()).toHaveAttribute("data-state", "closed");
  await page.getByLabel("评价（可不填）").fill("来得很快");
  await page.getByRole("button", { name: "提交评价" }).click();
  await expect(page.locator(".case-summary")).toContainText("★★★★★ 来得很快");
  const timeline = page.locator("ol.timeline > li");
  await expect(timeline).toHaveCount(7);
  for (const [index, action] of ["filed", "assign", "depart", "arrive", "fix", "confirm", "rate"].entries()) {
    await expect(timeline.nth(index)).toHaveAttribute("data-action", action);
  }
  await expect(page.locator("ol.timeline")).toContainText("暖气片排气，恢复正常");
  await expect(page.getByRole("button", { name: "提交评价" })).toHaveCount(0);

  expect(errors).toEqual([]);
});

test("a reading of 18 ℃ is explained before anything is filed", async ({ page, javaScriptEnabled }, testInfo) => {
  const index = PROJECTS.indexOf(testInfo.project.name);
  const flat = WARM_FLATS[index];
  await residentSignsIn(page, `1390000030${index}`, javaScriptEnabled);
  await bindHousehold(page, flat.account, flat.holder, javaScriptEnabled);
  await page.goto("/file/temperature");
  await waitForHydration(page, javaScriptEnabled);
  await page.getByLabel("主卧").check();
  await page.getByLabel("温度计读数（℃）").fill(`18.${index}`);
  await page.getByRole("button", { name: "提交投诉" }).click();
  await expect(page).toHaveURL(/\/file\/temperature/);
  await expect(page.locator(".form-error")).toContainText(`18.${index} ℃ 已达到卧室、客厅不低于 18 ℃ 的标准`);
  await expect(page.locator(".form-error")).toContainText("仍要投诉");
});
