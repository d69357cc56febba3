import { expect, test } from "@playwright/test";
import { collectPageErrors, staffSignsIn, waitForHydration } from "./helpers";

// An admin issues an Open311 API key (shown once), another system posts a
// request with it, and the admin revokes it; with JavaScript on and off.

test("an admin issues an Open311 key, it files a request, then it is revoked", async ({ page, request }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  const label = `城市服务平台 ${testInfo.project.name}`;

  await staffSignsIn(page, "admin_demo", js);
  await page.goto("/admin");
  await page.getByRole("link", { name: "接口密钥（Open311、遥测）" }).click();
  await expect(page).toHaveURL(/\/admin\/api-keys$/);
  await waitForHydration(page, js);
  await page.getByLabel("使用单位或系统").fill(label);
  await page.getByRole("button", { name: "签发" }).click();
  const shown = page.getByTestId("issued-key");
  await expect(shown).toBeVisible();
  const key = (await shown.textContent())?.trim() ?? "";
  expect(key).toMatch(/^hd311_[A-Za-z0-9_-]{43}$/);
  const row = page.locator("tr", { hasText: label });
  await expect(row).toContainText("未使用");

  const form = {
    api_key: key,
    service_code: "heating-repair",
    "attribute[category]": "noise",
    address_string: "金宝花园2号楼",
    description: `楼道管道异响（${testInfo.project.name}）`,
  };
  const filed = await request.post("/open311/v2/requests.json", { form });
  expect(filed.status(), await filed.text()).toBe(201);
  const [{ service_request_id: id }] = await filed.json();
  const read = await request.get(`/open311/v2/requests/${id}.json`);
  expect((await read.json())[0].status).toBe("open");

  // Seen once: a reload no longer shows it, and the list says it was used.
  await page.reload();
  await waitForHydration(page, js);
  await expect(page.getByTestId("issued-key")).toHaveCount(0);
  await expect(row).not.toContainText("未使用");
  await row.getByRole("button", { name: "吊销" }).click();
  await expect(row).toContainText("已吊销");
  const refused = await request.post("/open311/v2/requests.json", { form });
  expect(refused.status()).toBe(403);
  expect(errors).toEqual([]);
});
