import { expect, test } from "@playwright/test";
import { DESK } from "../playwright.config";
import { collectPageErrors, residentSignsIn, staffSignsIn, waitForHydration } from "./helpers";

// The duty desk at every project's size, with JavaScript on and off: a
// dispatcher drafts an outage of the demo resident's building, checks who
// will hear of it, publishes it, moves its restore time and restores it;
// the public page, the building lookup and the resident's /me show it.
// (The fixed clock is 2026-11-28 10:00.) A server of its own: the outages
// published here would change the board and triage the other specs read.
test.use({ baseURL: `http://127.0.0.1:${DESK.port}` });

test("a dispatcher runs an outage and the building's resident sees it", async ({ page, browser }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const title = `抢修停热 ${testInfo.project.name}`;
  const errors = collectPageErrors(page);

  await staffSignsIn(page, "dispatch_demo", js);
  await page.getByRole("link", { name: "停热值班台" }).click();
  await expect(page).toHaveURL(/\/desk\/outages$/);
  await waitForHydration(page, js);
  const form = page.locator("#new-outage");
  await form.getByLabel("类型").selectOption("emergency");
  await form.getByLabel("标题").fill(`${title} 草稿`);
  await form.getByLabel("原因（居民可见）", { exact: true }).fill("楼前供水管道漏水，关阀抢修");
  await form.getByLabel("联系方式").fill("0536-8232111");
  await form.getByLabel("停热时间", { exact: true }).fill("2026-11-28T10:30");
  await form.getByLabel("预计恢复", { exact: true }).fill("2026-11-28T18:00");
  const buildingId = await form.getByLabel("楼栋").locator("option", { hasText: "金宝花园 1号楼" }).getAttribute("value");
  await form.getByLabel("楼栋").selectOption({ label: "金宝花园 1号楼" });
  await form.getByRole("button", { name: "保存草稿" }).click();
  await expect(page).toHaveURL(/\/desk\/outages\/\d+$/);
  const outageId = page.url().match(/(\d+)$/)![1];
  await waitForHydration(page, js);

  // The draft is rewritten before it goes out: its form holds what it says.
  const edit = page.locator("#edit-draft");
  await edit.locator("summary").click();
  await expect(edit.getByLabel("标题")).toHaveValue(`${title} 草稿`);
  await expect(edit.getByLabel("停热时间", { exact: true })).toHaveValue("2026-11-28T10:30");
  await edit.getByLabel("标题").fill(title);
  await edit.getByRole("button", { name: "保存修改" }).click();
  await expect(page.locator("h1.page-title")).toHaveText(title);
  await waitForHydration(page, js);

  // Before publishing: who hears of it, and the text they get.
  await expect(page.getByRole("heading", { name: "发布前核对" })).toBeVisible();
  await expect(page.getByTestId("audience")).toContainText(/涉及 1 栋楼、\d+ 户；将通知 [1-9]\d* 人/);
  await expect(page.locator("#publish q")).toContainText(title);
  await page.getByRole("button", { name: "发布", exact: true }).click();
  await expect(page.locator(`article[data-outage-id="${outageId}"]`)).toHaveAttribute("data-status", "published");

  // Progress that moves the restore time.
  await page.getByLabel("进展说明（居民可见）").fill("更换管段需加焊，延长两小时");
  await page.getByLabel("新的预计恢复时间（可不填）").fill("2026-11-28T20:00");
  await page.getByRole("button", { name: "发布进展" }).click();
  await expect(page.getByTestId("expected-restore")).toContainText("11月28日 20:00");
  await expect(page.locator("#timeline")).toContainText("延长两小时");

  // The public page: area, times and the timeline.
  await page.goto(`/outages/${outageId}`);
  await waitForHydration(page, js);
  await expect(page.locator(".outage__title")).toHaveText(title);
  await expect(page.locator(".outage__areas")).toContainText("金宝花园");
  await expect(page.locator("#timeline")).toContainText("延长两小时");

  // The lobby notice prints on A4: heading, area, hotline and a QR code.
  await page.getByRole("link", { name: "打印停热通知" }).click();
  await expect(page).toHaveURL(new RegExp(`/outages/${outageId}/notice$`));
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("heading", { name: "抢修停热通知" })).toBeVisible();
  await expect(page.locator(".notice__areas")).toContainText("金宝花园");
  await expect(page.locator(".notice__qr svg")).toBeVisible();
  await expect(page.locator(".screen-only")).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath("print-notice.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });

  // The building's page shows it; the demo resident of the building sees it
  // on /me (signed in from one project only: codes to a number are spaced).
  await page.goto(`/building?building=${buildingId}`);
  await waitForHydration(page, js);
  await expect(page.locator(`article[data-outage-id="${outageId}"]`)).toContainText(title);
  if (testInfo.project.name === "phone-js") {
    const residentContext = await browser.newContext({ ...testInfo.project.use, baseURL: `http://127.0.0.1:${DESK.port}` });
    const resident = await residentContext.newPage();
    const residentErrors = collectPageErrors(resident);
    await residentSignsIn(resident, "13800000001", js);
    await waitForHydration(resident, js);
    await expect(resident.locator(`article[data-outage-id="${outageId}"]`)).toContainText(title);
    expect(residentErrors).toEqual([]);
    await residentContext.close();
  }

  // Heat is back.
  await page.goto(`/desk/outages/${outageId}`);
  await waitForHydration(page, js);
  await page.getByRole("button", { name: "已恢复供热" }).click();
  await expect(page.locator(`article[data-outage-id="${outageId}"]`)).toHaveAttribute("data-status", "restored");
  await page.goto(`/outages/${outageId}`);
  await expect(page.locator(`article[data-outage-id="${outageId}"]`)).toHaveAttribute("data-phase", "restored");

  expect(errors).toEqual([]);
});

test("a resident turns routine outage texts off and on", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  // A resident of its own per project: the demo holder of a 金宝花园 flat.
  const phones: Record<string, string> = {
    "desktop-js": "13900000201",
    "desktop-no-js": "13900000202",
    "phone-js": "13900000203",
    "phone-no-js": "13900000204",
  };
  await residentSignsIn(page, phones[testInfo.project.name], js);
  await page.goto("/me/settings");
  await waitForHydration(page, js);
  const state = page.getByTestId("outage-news-state");
  await expect(state).toContainText("接收");
  await page.getByRole("button", { name: "不再接收" }).click();
  await expect(state).toContainText("不接收");
  await page.getByRole("button", { name: "重新接收" }).click();
  await expect(state).toContainText("：接收");
  expect(errors).toEqual([]);
});
