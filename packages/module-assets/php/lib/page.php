<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function h($value)
{
    return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

/**
 * The module's page: a mount element that carries what the bundle needs (the endpoint, the CSRF
 * token, the version, whether this admin may change things) in data attributes, then the bundle.
 * No inline script, so it runs under `script-src 'self'`. The token of the bridge is not here.
 */
function render_page(array $vars)
{
    $settings = settings($vars);
    $assets = '../modules/addons/' . MODULE_NAME . '/';
    $version = rawurlencode(MODULE_VERSION);
    $configured = bridge_url_usable($settings['bridgeUrl']) && $settings['bridgeToken'] !== '';
    $html = '<div id="commitment-forecaster" class="cf-root"'
        . ' data-endpoint="' . h(isset($vars['modulelink']) ? $vars['modulelink'] : 'addonmodules.php?module=' . MODULE_NAME) . '"'
        . ' data-csrf="' . h(generate_token('plain')) . '"'
        . ' data-version="' . h(MODULE_VERSION) . '"'
        . ' data-can-write="' . (admin_may_write($settings) ? 'true' : 'false') . '"'
        . ' data-fiscal-year-start="' . h($settings['fiscalYearStart']) . '"'
        . ' data-configured="' . ($configured ? 'true' : 'false') . '"'
        . ' data-currencies="' . h(json_encode(whmcs_currencies(), JSON_UNESCAPED_UNICODE)) . '">'
        . '<div class="alert alert-info cf-loading">Loading the Commitment Forecaster&hellip;</div>'
        . '<noscript><div class="alert alert-warning">The Commitment Forecaster needs JavaScript.</div></noscript>'
        . '</div>' . "\n"
        . '<link rel="stylesheet" href="' . h($assets . 'app.css?v=' . $version) . '">' . "\n"
        . '<script src="' . h($assets . 'app.js?v=' . $version) . '" defer></script>' . "\n";
    return $html;
}

/**
 * How WHMCS writes each currency (Setup > Payments > Currencies), for amounts on the page. WHMCS
 * may store the prefix as an entity (`&pound;`): decoded here, escaped again when printed.
 */
function whmcs_currencies()
{
    $currencies = array();
    if (!class_exists('\\WHMCS\\Database\\Capsule')) {
        return $currencies;
    }
    foreach (\WHMCS\Database\Capsule::table('tblcurrencies')->get() as $row) {
        $currencies[] = array(
            'code' => (string) $row->code,
            'prefix' => html_decode((string) $row->prefix),
            'suffix' => html_decode((string) $row->suffix),
        );
    }
    return $currencies;
}
