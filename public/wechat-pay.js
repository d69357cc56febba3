// Inside WeChat only: opens WeChat Pay's payment sheet for a JSAPI order
// (the button carries the signed parameters the server made). What the
// sheet answers is only a hint: the page then asks the server to check
// with WeChat Pay itself, and shows what WeChat Pay says.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-wechat-pay]") : null;
    if (!button) return;
    event.preventDefault();
    var params;
    try { params = JSON.parse(button.getAttribute("data-wechat-pay")); } catch (e) { return; }
    function check() {
      var form = document.getElementById("check-payment");
      if (form) form.submit();
    }
    function pay() {
      window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, check);
    }
    if (typeof window.WeixinJSBridge === "undefined") {
      document.addEventListener("WeixinJSBridgeReady", pay, { once: true });
    } else {
      pay();
    }
  });
})();
