// FullCalendar injects its CSS into a <style> element, which the content security policy
// blocks. It looks for an existing `style[data-fullcalendar]` first, so give it an inert
// element of that name (outside the HTML namespace, so no stylesheet is parsed) whose sheet
// is a constructed one: rules added through the CSS object model are allowed. Its icon
// font comes as a data: address, which the policy also refuses; the calendar uses text
// arrows instead, so that rule is left out. Loaded before FullCalendar.
(function () {
  "use strict";
  if (!("adoptedStyleSheets" in document) || typeof CSSStyleSheet !== "function") return;
  var sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  var placeholder = document.createElementNS("urn:vitrina:inert", "style");
  placeholder.setAttribute("data-fullcalendar", "");
  Object.defineProperty(placeholder, "sheet", {
    value: {
      get cssRules() {
        return sheet.cssRules;
      },
      insertRule: function (rule) {
        if (/^\s*@font-face/.test(rule)) return sheet.cssRules.length;
        return sheet.insertRule(rule, sheet.cssRules.length);
      }
    }
  });
  document.head.appendChild(placeholder);
})();
