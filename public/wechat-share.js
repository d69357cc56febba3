// Inside WeChat only: gives the page a proper share card (title, summary,
// icon from its Open Graph tags) through WeChat's JS-SDK, configured with
// the signature /wechat/share-config makes for this address. Elsewhere, and
// when anything fails, the page is shared as it is. Needs no other script.
(function () {
  "use strict";
  if (!/MicroMessenger/i.test(navigator.userAgent) || !window.fetch) return;
  function meta(property) {
    var tag = document.querySelector('meta[property="' + property + '"]');
    return tag ? tag.getAttribute("content") : "";
  }
  var page = location.href.split("#")[0];
  fetch("/wechat/share-config?url=" + encodeURIComponent(page), { credentials: "omit" })
    .then(function (answer) { return answer.ok ? answer.json() : null; })
    .then(function (config) {
      if (!config) return;
      var sdk = document.createElement("script");
      sdk.src = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";
      sdk.onload = function () {
        var wx = window.wx;
        if (!wx) return;
        wx.config({
          debug: false,
          appId: config.appId,
          timestamp: config.timestamp,
          nonceStr: config.nonceStr,
          signature: config.signature,
          jsApiList: ["updateAppMessageShareData", "updateTimelineShareData"]
        });
        wx.ready(function () {
          var card = {
            title: meta("og:title") || document.title,
            desc: meta("og:description"),
            link: page,
            imgUrl: meta("og:image")
          };
          wx.updateAppMessageShareData(card);
          wx.updateTimelineShareData({ title: card.title, link: card.link, imgUrl: card.imgUrl });
        });
      };
      document.head.appendChild(sdk);
    })
    .catch(function () {});
})();
