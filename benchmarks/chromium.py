"""How benchmarks and browser tests start Debian's Chromium (never a downloaded browser)."""

CHROMIUM = "/usr/bin/chromium"
# Chromium 156 in (new) headless mode preloads the omnibox popup WebUI in every new window: a
# hidden renderer burning 1-2 s of CPU during each cold and warm run, which no reader's tab pays
# for. The last --disable-features wins, so Playwright's own list is repeated before ours.
PLAYWRIGHT_DISABLED = ("AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
                       "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,"
                       "ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,"
                       "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run",
                 f"--disable-features={PLAYWRIGHT_DISABLED},WebUIOmniboxPopup,WebUIOmniboxAimPopup"]
