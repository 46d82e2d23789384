/**
 * Puppeteer configuration for every workspace package: never download a browser.
 * Use Debian's Chromium (`/usr/bin/chromium`) through the drivers' executablePath option.
 * @type {import('puppeteer').Configuration}
 */
module.exports = {
  skipDownload: true,
  chrome: { skipDownload: true },
  'chrome-headless-shell': { skipDownload: true },
};
