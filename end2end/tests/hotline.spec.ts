import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { collectPageErrors, staffSignsIn, waitForHydration } from "./helpers";
import { HOTLINE_SECRET, IN_SEASON } from "../playwright.config";

// A 12345 work order arrives signed from the platform; the dispatcher signs
// for it and replies from the case page, with JavaScript on and off.

const PROJECTS = ["desktop-js", "desktop-no-js", "phone-js", "phone-no-js"];
// The test server's fixed clock, which signatures are checked against.
const SERVER_NOW = Math.floor(Date.parse(`${IN_SEASON.now}:00+08:00`) / 1000);

test("a dispatcher signs for a 12345 order and replies", async ({ page, request }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const index = PROJECTS.indexOf(testInfo.project.name);
  const errors = collectPageErrors(page);

  const body = JSON.stringify({
    order_id: `SD12345-E2E-${index}`,
    received_at: SERVER_NOW - 600,
    caller_name: "王先生",
    caller_phone: "13700000001",
    address: `潍坊市奎文区金宝花园3号楼1单元${index + 1}01室`,
    category: "radiator_cold",
    description: "来电反映客厅暖气片不热",
  });
  // The signature covers the method, the path, the timestamp and the body.
  const signature = createHmac("sha256", HOTLINE_SECRET)
    .update(`POST\n/hotline/v1/orders\n${SERVER_NOW}\n${body}`)
    .digest("hex");
  const answer = await request.post("/hotline/v1/orders", {
    headers: {
      "content-type": "application/json",
      "x-hotline-timestamp": String(SERVER_NOW),
      "x-hotline-signature": signature,
    },
    data: body,
  });
  expect(answer.status(), await answer.text()).toBe(201);
  const { case_no: caseNo } = await answer.json();

  await staffSignsIn(page, "dispatch_demo", js);
  await page.goto("/dispatch");
  await waitForHydration(page, js);
  await page.locator(`li[data-case-no="${caseNo}"] a`).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await waitForHydration(page, js);
  const order = page.locator("section.hotline-order");
  await expect(order).toContainText("待签收");
  await order.getByRole("button", { name: "签收" }).click();
  await expect(order).toContainText("办理中");
  await order.locator('form[data-order-action="reply"] textarea').fill("已派抢修队排气，暖气恢复正常");
  await order.getByRole("button", { name: "答复办结" }).click();
  await expect(order).toContainText("已答复，待回访");
  await expect(page.locator(".timeline__entry", { hasText: "12345 答复办结" })).toHaveCount(1);
  expect(errors).toEqual([]);
});
