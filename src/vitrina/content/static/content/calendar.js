// The content calendar: FullCalendar fed from the organisation's events, drag to reschedule.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("#calendar-csrf input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // The calendar runs in UTC and the server sends each post's wall-clock time as if it were
  // UTC, so the UTC fields of a date are the library's clock.
  function wallClock(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate()) +
      "T" + pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("calendar");
    var data = document.getElementById("calendar-config");
    if (!element || !data || !window.FullCalendar) return;
    var config = JSON.parse(data.textContent);
    var calendar = new window.FullCalendar.Calendar(element, {
      initialView: "dayGridMonth",
      timeZone: "UTC",
      locale: config.locale,
      firstDay: 1,
      height: "auto",
      headerToolbar: {
        left: "prev,next today",
        center: "title",
        right: "dayGridMonth,timeGridWeek,listMonth"
      },
      buttonText: config.buttons,
      buttonIcons: false,
      eventDisplay: "block",
      allDayText: config.buttons.allDay,
      noEventsText: config.buttons.noEvents,
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      events: config.events,
      editable: config.canEdit,
      eventDurationEditable: false,
      eventDidMount: function (info) {
        var props = info.event.extendedProps;
        info.el.title = [props.state, props.rubric, (props.channels || []).join(", ")]
          .filter(Boolean).join(" · ");
      },
      dateClick: function (info) {
        if (!config.canEdit) return;
        window.location.href = config.create + "?date=" + info.dateStr.slice(0, 10);
      },
      eventDrop: function (info) {
        var body = new URLSearchParams();
        body.set("start", wallClock(info.event.start));
        fetch(info.event.extendedProps.move, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
          body: body,
          credentials: "same-origin"
        }).then(function (response) {
          return response.json().then(function (payload) {
            if (!response.ok) {
              info.revert();
              window.alert((payload.error && payload.error.message) || config.messages.failed);
            }
          });
        }).catch(function () {
          info.revert();
          window.alert(config.messages.failed);
        });
      }
    });
    calendar.render();
  });
})();
