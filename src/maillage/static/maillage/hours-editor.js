// The opening-hours editor: days, time ranges and public holidays, written into the field
// beside it in the OpenStreetMap syntax that data·inclusion exchanges ("Mo-Fr 09:00-12:00,
// 14:00-17:00; Sa 09:00-12:00; PH off"). Without script the field is typed by hand, in French
// or in that syntax (the server reads both). Built through the DOM API: no inline markup, no
// inline script (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  var DAYS = [
    ["Mo", "lundi"], ["Tu", "mardi"], ["We", "mercredi"], ["Th", "jeudi"],
    ["Fr", "vendredi"], ["Sa", "samedi"], ["Su", "dimanche"]
  ];
  var RANGES = 2; // morning and afternoon: what most services need
  // What a time input holds: 00:00 to 23:59 (a range ending at 24:00 is left to the text).
  var TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
  // The words, in the page's language: the form gives them (data-hours-editor, a JSON object
  // of the keys below); these are the French ones.
  var WORDS = {
    days: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    legend: "Saisir les horaires jour par jour",
    from: "de", to: "à", then: "puis ",
    first: "première plage", second: "deuxième plage",
    holidays: "Fermé les jours fériés",
    copy: "Recopier le lundi sur les jours ouvrés",
    unreadable: "Ces horaires sont plus particuliers que ce que le tableau montre : " +
      "modifiez le texte directement (le tableau reviendra pour des horaires simples)."
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off" → {days: [[ranges]…], holidaysOff}
  // or null when the expression says more than the editor can show (months, weeks, comments…).
  function parse(expression) {
    var week = DAYS.map(function () { return []; });
    var holidaysOff = false;
    var text = (expression || "").trim();
    if (!text) { return { week: week, holidaysOff: false }; }
    var rules = text.split(/\s*;\s*/);
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i];
      if (!rule) { continue; }
      if (/^PH\s+(off|closed)$/.test(rule)) { holidaysOff = true; continue; }
      var match = /^([A-Z][a-z](?:-[A-Z][a-z])?(?:,[A-Z][a-z](?:-[A-Z][a-z])?)*)\s+(.+)$/.exec(rule);
      if (!match) { return null; }
      var days = selectedDays(match[1]);
      if (!days) { return null; }
      var ranges = match[2].split(",");
      if (ranges.length > RANGES) { return null; }
      for (var r = 0; r < ranges.length; r++) {
        var parts = ranges[r].trim().split("-");
        if (parts.length !== 2 || !TIME.test(parts[0]) || !TIME.test(parts[1])) { return null; }
        ranges[r] = [parts[0], parts[1]];
      }
      days.forEach(function (day) { week[day] = ranges; });
    }
    return { week: week, holidaysOff: holidaysOff };
  }

  function dayIndex(code) {
    for (var i = 0; i < DAYS.length; i++) { if (DAYS[i][0] === code) { return i; } }
    return -1;
  }

  function selectedDays(text) {
    var days = [];
    var items = text.split(",");
    for (var i = 0; i < items.length; i++) {
      var bounds = items[i].split("-");
      var first = dayIndex(bounds[0]);
      var last = dayIndex(bounds[bounds.length - 1]);
      if (first < 0 || last < first) { return null; }
      for (var d = first; d <= last; d++) { days.push(d); }
    }
    return days;
  }

  // Consecutive days with the same ranges make one rule: "Mo-Fr 09:00-12:00,14:00-17:00".
  function compose(week, holidaysOff) {
    var rules = [];
    var d = 0;
    while (d < DAYS.length) {
      var ranges = week[d].map(function (range) { return range.join("-"); }).join(",");
      var last = d;
      while (last + 1 < DAYS.length && ranges &&
             week[last + 1].map(function (range) { return range.join("-"); }).join(",") === ranges) {
        last++;
      }
      if (ranges) {
        var days = DAYS[d][0] + (last > d ? (last === d + 1 ? "," : "-") + DAYS[last][0] : "");
        rules.push(days + " " + ranges);
      }
      d = last + 1;
    }
    if (holidaysOff) { rules.push("PH off"); }
    return rules.join("; ");
  }

  function build(field) {
    var words = Object.assign({}, WORDS);
    try { Object.assign(words, JSON.parse(field.getAttribute("data-hours-editor") || "{}")); }
    catch (error) { /* the French words stay */ }
    var editor = element("fieldset", { "class": "hours-editor" });
    editor.appendChild(element("legend", {}, words.legend));
    var note = element("p", { "class": "help", "id": field.id + "_editor_note" });
    editor.appendChild(note);
    var rows = [];
    DAYS.forEach(function (day, index) {
      var row = element("div", { "class": "hours-day" });
      var id = field.id + "_" + day[0];
      var open = element("input", { type: "checkbox", id: id + "_open" });
      var name = words.days[index] || day[1];
      var label = element("label", { "for": id + "_open" }, name.charAt(0).toUpperCase() + name.slice(1));
      row.appendChild(open);
      row.appendChild(label);
      var times = [];
      for (var r = 0; r < RANGES; r++) {
        var pair = [];
        [words.from, words.to].forEach(function (word, side) {
          var input = element("input", { type: "time", id: id + "_" + r + "_" + side, step: "300" });
          var what = (r === 0 ? "" : words.then) + word;
          var text = element("label", { "for": input.id, "class": "hours-word" }, what);
          var hidden = element("span", { "class": "visually-hidden" },
            " (" + name + ", " + (r === 0 ? words.first : words.second) + ")");
          text.appendChild(hidden);
          row.appendChild(text);
          row.appendChild(input);
          pair.push(input);
        });
        times.push(pair);
      }
      rows.push({ open: open, times: times, index: index });
      editor.appendChild(row);
    });
    var holidays = element("input", { type: "checkbox", id: field.id + "_PH" });
    var holidaysRow = element("div", { "class": "hours-day" });
    holidaysRow.appendChild(holidays);
    holidaysRow.appendChild(element("label", { "for": holidays.id }, words.holidays));
    editor.appendChild(holidaysRow);
    var copy = element("button", { type: "button", "class": "secondary" }, words.copy);
    editor.appendChild(copy);

    function read() {
      return rows.map(function (row) {
        if (!row.open.checked) { return []; }
        var ranges = [];
        row.times.forEach(function (pair) {
          if (pair[0].value && pair[1].value) { ranges.push([pair[0].value, pair[1].value]); }
        });
        return ranges;
      });
    }

    function show(parsed) {
      rows.forEach(function (row) {
        var ranges = parsed.week[row.index];
        row.open.checked = ranges.length > 0;
        row.times.forEach(function (pair, r) {
          pair[0].value = ranges[r] ? ranges[r][0] : "";
          pair[1].value = ranges[r] ? ranges[r][1] : "";
        });
      });
      holidays.checked = parsed.holidaysOff;
    }

    function write() {
      field.value = compose(read(), holidays.checked);
      note.textContent = "";
    }

    // An expression the table cannot show is never overwritten by it: the table is
    // disabled until the text is simple again.
    function follow(parsed) {
      editor.disabled = !parsed;
      if (parsed) { show(parsed); note.textContent = ""; }
      else { note.textContent = words.unreadable; }
    }

    editor.addEventListener("change", function (event) {
      var target = event.target;
      rows.forEach(function (row) {
        // Typing a time opens the day; a day opened without times gets the usual ones.
        if (target.type === "time" && row.times.some(function (p) { return p.indexOf(target) >= 0; }) && target.value) {
          row.open.checked = true;
        }
        if (target === row.open && row.open.checked && !row.times[0][0].value) {
          row.times[0][0].value = "09:00";
          row.times[0][1].value = "12:00";
          row.times[1][0].value = "14:00";
          row.times[1][1].value = "17:00";
        }
      });
      write();
    });
    copy.addEventListener("click", function () {
      var monday = rows[0];
      for (var d = 1; d < 5; d++) {
        rows[d].open.checked = monday.open.checked;
        rows[d].times.forEach(function (pair, r) {
          pair[0].value = monday.times[r][0].value;
          pair[1].value = monday.times[r][1].value;
        });
      }
      write();
    });
    field.addEventListener("input", function () { follow(parse(field.value)); });
    follow(parse(field.value));
    var wrapper = field.closest(".field") || field.parentNode;
    wrapper.parentNode.insertBefore(editor, wrapper.nextSibling);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-hours-editor]").forEach(build);
  });
})();
