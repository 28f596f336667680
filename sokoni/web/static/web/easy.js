/* Easy mode: "listen" buttons read a product or a menu aloud in the page's language.
   Loaded with defer, and only in easy mode. The buttons are rendered hidden and shown only
   when this browser has a voice for the page's language; voices may arrive late, so the
   check runs again on "voiceschanged". Product cards get their button here, from the
   <template id="say-tpl"> the page carries, so a listing's HTML does not grow by 24 buttons. */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) return;
  var lang = (document.documentElement.lang || "en").toLowerCase();
  var primary = lang.split("-")[0];
  var shown = false;

  function voice() {
    var voices = synth.getVoices() || [], near = null;
    for (var i = 0; i < voices.length; i++) {
      var code = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (code === lang) return voices[i];
      if (!near && code.split("-")[0] === primary) near = voices[i];
    }
    return near;
  }

  function clean(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  // A list reads item by item with a pause between; anything else reads as one text.
  function textOf(element) {
    var items = element.querySelectorAll("li");
    if (!items.length) return clean(element.textContent);
    return Array.prototype.map.call(items, function (li) { return clean(li.textContent); })
      .filter(Boolean).join(". ");
  }

  // data-say holds the words; data-read names the ids of the elements to read, in order.
  function words(button) {
    var said = button.getAttribute("data-say");
    if (said) return said;
    var ids = (button.getAttribute("data-read") || "").split(/\s+/), parts = [];
    for (var i = 0; i < ids.length; i++) {
      var element = ids[i] && document.getElementById(ids[i]);
      if (element) parts.push(textOf(element));
    }
    return parts.filter(Boolean).join(". ");
  }

  function addCardButtons() {
    var tpl = document.getElementById("say-tpl");
    if (!tpl || !tpl.content) return;
    var cards = document.querySelectorAll("li.card");
    for (var i = 0; i < cards.length; i++) {
      var card = cards[i], name = card.querySelector("h3"), price = card.querySelector(".price");
      if (!name || !price || card.querySelector(".say")) continue;
      var button = tpl.content.firstElementChild.cloneNode(true);
      var label = button.querySelector(".vh");
      label.textContent = label.textContent.replace("{name}", clean(name.textContent));
      button.setAttribute("data-say", clean(name.textContent) + ". " + clean(price.parentNode.textContent));
      card.appendChild(button);
    }
  }

  function reveal() {
    if (shown || !voice()) return;
    shown = true;
    addCardButtons();
    var buttons = document.querySelectorAll("button.say");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.say");
    var chosen = button && voice();
    if (!chosen) return;
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(words(button));
    utterance.voice = chosen;
    utterance.lang = chosen.lang;
    synth.speak(utterance);
  });

  reveal();
  if (!shown) {
    if (synth.addEventListener) synth.addEventListener("voiceschanged", reveal);
    else synth.onvoiceschanged = reveal;
  }
})();
