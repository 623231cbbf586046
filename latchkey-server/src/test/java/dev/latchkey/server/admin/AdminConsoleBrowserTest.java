package dev.latchkey.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console end to end in headless Chromium (testing/Browser): an operator signs in with the keyboard, finds
 * a user by email, revokes the session that user's device holds (the API then answers {@code session_not_found}),
 * rotates the signing key (the JWKS shows the new kid) and watches the live chart. Every page is checked for
 * accessibility basics (a label for every input, one h1, headings in order, a language and a title, every control
 * reachable by Tab with a visible focus) and photographed into target/screenshots/.
 */
class AdminConsoleBrowserTest {
  /** Only stops a broken page from hanging the build; nothing here is timed. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anOperatorSignsInFindsAUserRevokesTheirSessionRotatesTheKeyAndWatchesTheLiveChart() {
    Browser.requireChromium();
    try (TestServer server = TestServer.start(AdminConsoleSignInTest.enabled(), Clock.systemUTC());
        Browser browser = Browser.start()) {
      JsonNode device = AdminConsolePagesTest.userWithDeviceSession(server, "console-browser@example.com",
          "Mozilla/5.0 (X11; Linux x86_64) ConsoleBrowserTest");
      String userId = device.get("user_id").asText();
      String sessionId = device.get("session").get("session_id").asText();
      WebDriver driver = browser.driver();

      driver.get(server.baseUrl() + "/admin");
      assertThat(driver.getCurrentUrl()).endsWith("/admin/login");
      checkAccessibility(browser, "sign-in");
      browser.screenshot("admin-1-sign-in");
      driver.findElement(By.id("name")).sendKeys("admin");
      driver.findElement(By.id("password")).sendKeys(AdminConsoleSignInTest.PASSWORD, Keys.ENTER);
      waitUntil(driver, d -> d.getCurrentUrl().endsWith("/admin/users"));

      driver.findElement(By.id("q")).sendKeys("console-browser", Keys.ENTER);
      waitUntil(driver, d -> d.getCurrentUrl().contains("q=console-browser"));
      assertThat(driver.findElement(By.id("result-count")).getText()).isEqualTo("1 user");
      checkAccessibility(browser, "users");
      browser.screenshot("admin-2-users");

      driver.findElement(By.linkText(userId)).click();
      waitUntil(driver, d -> d.getCurrentUrl().endsWith("/admin/users/" + userId));
      assertThat(driver.findElement(By.tagName("main")).getText()).contains("ConsoleBrowserTest", "1 live session");
      checkAccessibility(browser, "user");
      browser.screenshot("admin-3-user");

      driver.findElement(By.cssSelector("button[aria-label='Revoke session " + sessionId + "']")).click();
      waitUntil(driver, d -> d.findElement(By.tagName("h1")).getText()
          .equals("Revoke this session?"));
      checkAccessibility(browser, "confirmation");
      browser.screenshot("admin-4-confirm-revoke");
      driver.findElement(By.xpath("//button[text()='Revoke session']")).click();
      waitUntil(driver, d -> d.getCurrentUrl().contains("notice=session-revoked"));
      assertThat(driver.findElement(By.id("session-count")).getText()).isEqualTo("0 live sessions");
      ApiClient.Reply refused = server.api().post("/v1/sessions/authenticate",
          "{\"session_token\":\"" + device.get("session_token").asText() + "\"}");
      assertThat(refused.status()).isEqualTo(404);
      assertThat(refused.text("error_type")).isEqualTo("session_not_found");

      driver.findElement(By.linkText("Signing keys")).click();
      waitUntil(driver, d -> d.getCurrentUrl().endsWith("/admin/keys"));
      checkAccessibility(browser, "keys");
      driver.findElement(By.xpath("//button[text()='Rotate the signing key']")).click();
      waitUntil(driver, d -> d.findElement(By.tagName("h1")).getText()
          .equals("Rotate the signing key?"));
      driver.findElement(By.xpath("//button[text()='Rotate']")).click();
      waitUntil(driver, d -> d.getCurrentUrl().contains("notice=rotated"));
      String newKid = server.api().get("/v1/sessions/jwks/" + server.projectId).json().get("keys").get(0).get("kid")
          .asText();
      assertThat(driver.findElement(By.cssSelector("[role=status]")).getText()).contains("New signing key " + newKid);
      assertThat(newKid).isEqualTo(server.server().stores().keys().all().get(0).kid());
      browser.screenshot("admin-5-keys-rotated");

      driver.findElement(By.linkText("Live")).click();
      waitUntil(driver, d -> d.getCurrentUrl().endsWith("/admin/live"));
      AdminConsolePagesTest.deviceSignIn(server, "console-browser@example.com", "Live/1");
      waitUntil(driver, d -> Integer.parseInt(String.valueOf(((JavascriptExecutor) d)
          .executeScript("return document.body.dataset.liveReadings || '0';"))) >= 3);
      assertThat(driver.findElements(By.cssSelector("#chart .uplot canvas"))).isNotEmpty();
      assertThat(driver.findElement(By.id("total-failures")).getText()).matches("\\d+");
      checkAccessibility(browser, "live");
      browser.screenshot("admin-6-live");

      driver.findElement(By.xpath("//button[text()='Sign out']")).click();
      waitUntil(driver, d -> d.getCurrentUrl().contains("/admin/login"));
      driver.get(server.baseUrl() + "/admin/users");
      assertThat(driver.getCurrentUrl()).contains("/admin/login");
    }
  }

  /** Waits for {@code condition} across page loads (an element of the page being left may go stale meanwhile). */
  private static void waitUntil(WebDriver driver, java.util.function.Function<WebDriver, Boolean> condition) {
    new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition::apply);
  }

  /** The page's accessibility basics, each problem named; then every control is reached by Tab with a visible focus. */
  @SuppressWarnings("unchecked")
  private static void checkAccessibility(Browser browser, String page) {
    List<String> problems = (List<String>) browser.run("""
        const problems = [];
        for (const e of document.querySelectorAll('input, select, textarea')) {
          if (e.type === 'hidden') continue;
          const label = (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'))
            || e.closest('label') || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
          if (!label) problems.push('input without a label: ' + (e.name || e.outerHTML));
        }
        for (const b of document.querySelectorAll('button, a[href]')) {
          if (!(b.textContent.trim() || b.getAttribute('aria-label'))) problems.push('control without a name: ' + b.outerHTML);
        }
        const h1 = document.querySelectorAll('h1').length;
        if (h1 !== 1) problems.push(h1 + ' h1 elements');
        let last = 0;
        for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
          const level = Number(h.tagName[1]);
          if (last === 0 && level !== 1) problems.push('the first heading is ' + h.tagName);
          if (last > 0 && level > last + 1) problems.push(h.tagName + ' follows H' + last);
          last = level;
        }
        if (!document.documentElement.lang) problems.push('no lang on html');
        if (!document.title) problems.push('no title');
        return problems;
        """);
    assertThat(problems).as("accessibility problems on the " + page + " page").isEmpty();

    JavascriptExecutor js = (JavascriptExecutor) browser.driver();
    js.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
    long focusable = (Long) js.executeScript("return document.querySelectorAll(arguments[0]).length;", FOCUSABLE);
    List<String> unseen = new ArrayList<>();
    for (int i = 0; i < focusable + 2; i++) {
      new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
      Map<String, Object> focus = (Map<String, Object>) js.executeScript("""
          const e = document.activeElement;
          if (!e || e === document.body) return {element: 'body', visible: true};
          e.setAttribute('data-tabbed', '');
          const style = getComputedStyle(e);
          return {element: e.outerHTML.substring(0, 80),
                  visible: e.matches(':focus-visible') && style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) >= 2};
          """);
      if (!Boolean.TRUE.equals(focus.get("visible"))) {
        unseen.add(String.valueOf(focus.get("element")));
      }
    }
    assertThat(unseen).as("elements focused by Tab without a visible focus on the " + page + " page").isEmpty();
    List<String> unreached = (List<String>) js.executeScript("""
        return [...document.querySelectorAll(arguments[0])].filter(e => !e.hasAttribute('data-tabbed'))
          .map(e => e.outerHTML.substring(0, 80));
        """, FOCUSABLE);
    assertThat(unreached).as("controls Tab never reaches on the " + page + " page").isEmpty();
    js.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
  }

  private static final String FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, "
      + "[tabindex]:not([tabindex='-1'])";
}
