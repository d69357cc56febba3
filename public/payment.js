// The payment page's two buttons that need a script (the page works
// without it: WeChat's browser always runs it, and a receipt prints from
// the browser's own menu).
// - Inside WeChat: opens WeChat Pay's payment sheet for a JSAPI order (the
//   button carries the signed parameters the server made). What the sheet
//   answers is only a hint: the page then asks the server to check with
//   WeChat Pay itself, and shows what WeChat Pay says.
// - "Print the receipt": shown only here, where it can work.
(function () {
  "use strict";
  var print = document.querySelectorAll("[data-print]");
  for (var i = 0; i < print.length; i++) print[i].hidden = false;
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var button = target.closest("[data-wechat-pay]");
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
