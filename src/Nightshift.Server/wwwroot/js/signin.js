// Signs in from a link printed by `nightshift up`: the token rides in the fragment (never sent to the server as part of
// the address, never logged), is posted once with the form, and is wiped from the address bar and history first.
(function () {
  "use strict";
  var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) { return; }
  var token = decodeURIComponent(match[1]);
  history.replaceState(null, "", window.location.pathname + window.location.search);
  var form = document.getElementById("signin-form");
  var input = document.getElementById("token");
  if (!form || !input) { return; }
  input.value = token;
  form.submit();
})();
