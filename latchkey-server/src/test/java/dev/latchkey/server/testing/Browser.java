package dev.latchkey.server.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Headless Chromium for end-to-end tests: Debian's {@code chromium} driven through Debian's {@code chromium-driver}
 * by Selenium, at fixed paths (Selenium never downloads a browser or a driver). {@code bin/test} installs both
 * (bin/test-browser.sh) and sets {@code LATCHKEY_TEST_BROWSER_REQUIRED=true}, so that in CI a missing browser fails
 * the tests; run alone without Chromium they are skipped.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *   browser.addPlatformAuthenticator();          // a passkey-capable "phone" inside the browser
 *   browser.driver().get(site.url("/page.html"));
 *   Object result = browser.await("return await window.run();", Duration.ofSeconds(30));
 *   browser.screenshot("passkeys");               // target/screenshots/passkeys.png
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Screenshots go here, under the module's target directory. */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Starts a headless Chromium; skips the test (fails it under bin/test) when Chromium is not installed. */
  public static Browser start() {
    requireChromium();
    // Selenium would otherwise run Selenium Manager to look for drivers and browsers online.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--no-first-run", "--window-size=1280,900");
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    return new Browser(driver);
  }

  /** Fails (under bin/test, {@code LATCHKEY_TEST_BROWSER_REQUIRED=true} or {@code CI=true}) or skips. */
  public static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String why = CHROMIUM + " and " + CHROMEDRIVER + " are needed: run the tests with bin/test, which installs "
        + "them, or 'apt-get install chromium chromium-driver'";
    if ("true".equals(System.getenv("CI")) || "true".equals(System.getenv("LATCHKEY_TEST_BROWSER_REQUIRED"))) {
      Assertions.fail(why);
    }
    Assumptions.abort(why);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /**
   * A platform authenticator (as a phone's or laptop's built-in one) through the WebDriver WebAuthn API: CTAP2,
   * internal transport, resident keys (passkeys), user verification available and always given.
   */
  public VirtualAuthenticator addPlatformAuthenticator() {
    return ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(true)
        .setHasUserVerification(true)
        .setIsUserVerified(true)
        .setIsUserConsenting(true));
  }

  /**
   * Runs {@code script} (an async function body; its {@code return} value is the result) in the page and waits for
   * it, at most the browser's script timeout.
   */
  public Object run(String script, Object... args) {
    String wrapped = "const done = arguments[arguments.length - 1];"
        + "(async (...args) => {" + script + "})(...Array.prototype.slice.call(arguments, 0, -1))"
        + ".then(done, e => done({error: String(e && (e.message || e)), name: e && e.name}));";
    return ((JavascriptExecutor) driver).executeAsyncScript(wrapped, args);
  }

  /** Saves a PNG of the page as {@code target/screenshots/<name>.png}; returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new IllegalStateException("could not save the screenshot " + name, e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
