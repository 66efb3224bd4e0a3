// The composer: live checks per network, previews, picture upload by drag and drop, reordering.
(function () {
  "use strict";

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("composer");
    if (!form) return;
    var limits = json("network-limits");
    var TEXTS = json("composer-texts");
    var NAMES = TEXTS.networks;
    var networks = json("channel-networks");
    var text = document.getElementById("id_text");
    var question = document.getElementById("id_poll_question");
    var answers = document.getElementById("id_poll_answers");
    var checks = document.getElementById("composer-checks");
    var previews = document.getElementById("previews");
    var empty = document.getElementById("previews-empty");
    var list = document.getElementById("media-list");
    var errors = document.getElementById("upload-errors");

    function chosenNetworks() {
      var seen = [];
      form.querySelectorAll("input[name='channels']:checked").forEach(function (box) {
        var network = networks[box.value];
        if (network && seen.indexOf(network) === -1) seen.push(network);
      });
      return seen;
    }

    function mediaImages() {
      var picked = [];
      list.querySelectorAll("img").forEach(function (img) { picked.push(img.src); });
      form.querySelectorAll("input[name='media_add']:checked").forEach(function (box) {
        var img = box.parentNode.querySelector("img");
        if (img) picked.push(img.src);
      });
      return picked;
    }

    function update() {
      var value = text.value;
      var media = mediaImages();
      var hasPoll = question && question.value.trim() !== "";
      var answerCount = answers ? answers.value.split("\n").filter(function (line) {
        return line.trim() !== "";
      }).length : 0;
      var linkCount = (value.match(/https?:\/\/\S+/g) || []).length;
      checks.textContent = "";
      previews.querySelectorAll(".preview").forEach(function (node) { node.remove(); });
      var chosen = chosenNetworks();
      empty.hidden = chosen.length > 0;
      chosen.forEach(function (network) {
        var limit = limits[network];
        if (!limit) return;
        var max = media.length && limit.caption ? limit.caption : limit.text;
        var left = max - value.length;
        var row = el("p", "check" + (left < 0 ? " check-error" : ""));
        row.appendChild(el("strong", "", NAMES[network] + ": "));
        var parts = [left >= 0 ? TEXTS.left + left : TEXTS.over + (-left)];
        parts.push(TEXTS.media + media.length + "/" + limit.media);
        if (media.length > limit.media) row.className = "check check-error";
        if (hasPoll && !limit.polls) {
          parts.push(TEXTS.noPolls);
          row.className = "check check-error";
        } else if (hasPoll && answerCount > limit.poll_options) {
          parts.push(TEXTS.pollAnswers + answerCount);
          row.className = "check check-error";
        }
        if (linkCount) parts.push(TEXTS.links + linkCount);
        row.appendChild(document.createTextNode(parts.join(" · ")));
        checks.appendChild(row);

        var card = el("article", "preview preview-" + network);
        card.appendChild(el("header", "preview-network", NAMES[network]));
        var body = el("div", "preview-text", value);
        card.appendChild(body);
        if (media.length) {
          var gallery = el("div", "preview-media");
          media.slice(0, limit.media).forEach(function (src) {
            var img = el("img", "thumb");
            img.src = src;
            img.alt = "";
            gallery.appendChild(img);
          });
          card.appendChild(gallery);
        }
        if (hasPoll && limit.polls) {
          card.appendChild(el("p", "preview-poll", "📊 " + question.value));
        }
        previews.appendChild(card);
      });
    }

    function addItem(asset) {
      var item = el("li", "media-item");
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = "media";
      hidden.value = asset.id;
      item.appendChild(hidden);
      var img = el("img", "thumb");
      img.src = asset.url;
      img.alt = asset.alt_text || "";
      item.appendChild(img);
      var label = el("label", "", form.dataset.altLabel || "");
      var alt = el("input");
      alt.type = "text";
      alt.name = "alt_" + asset.id;
      alt.value = asset.alt_text || "";
      alt.maxLength = 500;
      label.appendChild(alt);
      item.appendChild(label);
      var buttons = el("span", "media-buttons");
      [["up", "↑"], ["down", "↓"], ["remove", "✕"]].forEach(function (pair) {
        var button = el("button", "secondary outline small", pair[1]);
        button.type = "button";
        button.dataset.media = pair[0];
        buttons.appendChild(button);
      });
      item.appendChild(buttons);
      list.appendChild(item);
    }

    function upload(files) {
      if (!files.length) return;
      var body = new FormData();
      Array.prototype.forEach.call(files, function (file) { body.append("files", file); });
      body.append("csrfmiddlewaretoken", form.querySelector("input[name='csrfmiddlewaretoken']").value);
      errors.textContent = "";
      fetch(form.dataset.uploadUrl, {
        method: "POST",
        body: body,
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (payload) {
        (payload.uploaded || []).forEach(addItem);
        (payload.errors || []).forEach(function (message) {
          errors.appendChild(el("p", "field-error", message));
        });
        update();
      }).catch(function () {
        errors.appendChild(el("p", "field-error", TEXTS.uploadFailed));
      });
    }

    var zone = document.getElementById("drop-zone");
    var input = document.getElementById("id_upload");
    if (zone && input) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("drop-active");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("drop-active"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        upload(event.dataTransfer.files);
      });
      input.addEventListener("change", function () {
        upload(input.files);
        input.value = "";
      });
    }

    list.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.media;
      if (!action) return;
      var item = event.target.closest("li");
      if (action === "up" && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
      } else if (action === "down" && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
      } else if (action === "remove") {
        item.remove();
      }
      update();
    });

    // Templates and text blocks.
    var snippets = json("composer-snippets");
    function pick(list, id) {
      for (var i = 0; i < list.length; i++) if (String(list[i].id) === id) return list[i];
      return null;
    }
    var templatePicker = document.getElementById("template-picker");
    if (templatePicker) {
      templatePicker.addEventListener("change", function () {
        var item = pick(snippets.templates || [], templatePicker.value);
        if (!item) return;
        text.value = text.value.trim() ? text.value.replace(/\s*$/, "") + "\n\n" + item.text : item.text;
        var rubric = document.getElementById("id_rubric");
        if (rubric && item.rubric && !rubric.value) rubric.value = String(item.rubric);
        templatePicker.value = "";
        text.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    var blockPicker = document.getElementById("block-picker");
    if (blockPicker) {
      blockPicker.addEventListener("change", function () {
        var item = pick(snippets.blocks || [], blockPicker.value);
        if (!item) return;
        var start = text.selectionStart || text.value.length;
        var end = text.selectionEnd || start;
        text.value = text.value.slice(0, start) + item.text + text.value.slice(end);
        blockPicker.value = "";
        text.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }

    // Drafts save themselves a few seconds after one stops typing.
    var status = document.getElementById("autosave-status");
    var timer = null;
    var saving = false;
    function autosave() {
      if (saving || !text.value.trim()) return;
      saving = true;
      var body = new FormData(form);
      body.delete("upload");
      body.delete("then");
      fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: body,
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (payload) {
          if (response.ok) {
            form.action = payload.edit_url;
            form.dataset.autosaveUrl = payload.autosave_url;
            if (window.history && window.history.replaceState) {
              window.history.replaceState(null, "", payload.edit_url);
            }
            status.textContent = TEXTS.saved + payload.saved_at;
          } else {
            status.textContent = (payload.error && payload.error.message) || TEXTS.notSaved;
          }
        });
      }).catch(function () {
        status.textContent = TEXTS.notSaved;
      }).then(function () {
        saving = false;
      });
    }
    form.addEventListener("input", function () {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(autosave, 4000);
    });
    form.addEventListener("submit", function () {
      if (timer) window.clearTimeout(timer);
    });

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  });
})();
