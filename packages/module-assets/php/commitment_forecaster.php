<?php
/**
 * Commitment Forecaster: a WHMCS addon that embeds the Forecaster Bridge's reports in the admin
 * area. This file is a shell: WHMCS's addon functions, the page that mounts the bundled UI, and
 * an allow-listed proxy (lib/) that calls the bridge on the server, so the bridge token never
 * reaches a browser. Plain PHP 7.2+, curl and json only.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/load.php';

function commitment_forecaster_config()
{
    $months = array();
    foreach (array('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
        'September', 'October', 'November', 'December') as $i => $name) {
        $months[(string) ($i + 1)] = $name;
    }
    return array(
        'name' => \CommitmentForecaster\MODULE_TITLE,
        'description' => 'Revenue, receivables, forecasts and commitments from the Forecaster Bridge, inside WHMCS.',
        'author' => 'Forecaster Bridge',
        'language' => 'english',
        'version' => \CommitmentForecaster\MODULE_VERSION,
        'fields' => array(
            'bridgeUrl' => array(
                'FriendlyName' => 'Bridge URL',
                'Type' => 'text',
                'Size' => '60',
                'Default' => '',
                'Description' => 'Where the WHMCS server reaches the bridge, e.g. https://bridge.example.com:8787',
            ),
            'bridgeToken' => array(
                'FriendlyName' => 'Bridge API token',
                'Type' => 'password',
                'Size' => '60',
                'Default' => '',
                'Description' => 'One of the bridge\'s tokens. It stays on this server: the browser never sees it.',
            ),
            'timeout' => array(
                'FriendlyName' => 'Bridge timeout',
                'Type' => 'dropdown',
                'Options' => array('5' => '5 seconds', '15' => '15 seconds', '30' => '30 seconds', '60' => '60 seconds'),
                'Default' => '15',
                'Description' => 'How long to wait for the bridge before saying it is slow',
            ),
            'writeRoles' => array(
                'FriendlyName' => 'Admin roles that may change things',
                'Type' => 'text',
                'Size' => '60',
                'Default' => 'Full Administrator',
                'Description' => 'Comma-separated role names (or ids). Other admins with access may look but not sync or edit.',
            ),
            'fiscalYearStart' => array(
                'FriendlyName' => 'Fiscal year starts in',
                'Type' => 'dropdown',
                'Options' => $months,
                'Default' => '1',
                'Description' => 'For the "fiscal year" date ranges',
            ),
        ),
    );
}

function commitment_forecaster_activate()
{
    // No tables of our own: everything lives in the bridge.
    return array('status' => 'success', 'description' => 'Commitment Forecaster is active. Enter the bridge URL and token, then tick the admin roles under Access Control.');
}

function commitment_forecaster_deactivate()
{
    // WHMCS deletes every setting of the module when it is deactivated (URL, token, access roles).
    return array('status' => 'success', 'description' => 'Commitment Forecaster is deactivated. Its settings were forgotten: enter them again after activating.');
}

function commitment_forecaster_upgrade($vars)
{
    // Nothing is stored here, so no version has anything to migrate.
}

function commitment_forecaster_output($vars)
{
    if (\CommitmentForecaster\input('action') === 'api') {
        \CommitmentForecaster\handle_api_request($vars);
        return;
    }
    echo \CommitmentForecaster\render_page($vars);
}
