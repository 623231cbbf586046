# Sourced by bin/test: makes sure headless Chromium and its WebDriver are installed for the browser tests.
#
#   . bin/test-browser.sh && ensure_chromium
#
# The browser tests (testing/Browser: passkeys through the official browser SDK, with Chromium's virtual
# authenticator) drive Debian's chromium with Debian's chromium-driver, at the paths below; Selenium never downloads a
# browser or a driver. Installs both when missing (CI is a fresh Debian machine running as root). Exports:
#   LATCHKEY_TEST_BROWSER_REQUIRED=true   so the browser tests fail, instead of skipping, when Chromium is missing

LATCHKEY_CHROMIUM=/usr/bin/chromium
LATCHKEY_CHROMEDRIVER=/usr/bin/chromedriver

ensure_chromium() {
  if [ ! -x "$LATCHKEY_CHROMIUM" ] || [ ! -x "$LATCHKEY_CHROMEDRIVER" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "latchkey: installing Chromium for the browser tests (apt-get install chromium chromium-driver)..." >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      echo "latchkey: Chromium is missing (the passkey browser tests drive it): run" >&2
      echo "latchkey: 'sudo apt-get install chromium chromium-driver'." >&2
      exit 1
    fi
    if [ ! -x "$LATCHKEY_CHROMIUM" ] || [ ! -x "$LATCHKEY_CHROMEDRIVER" ]; then
      echo "latchkey: apt-get did not provide $LATCHKEY_CHROMIUM and $LATCHKEY_CHROMEDRIVER." >&2
      exit 1
    fi
  fi
  export LATCHKEY_TEST_BROWSER_REQUIRED=true
}
