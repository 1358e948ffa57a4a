<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/** GETs a bridge path and decodes it; array(status, data|null, error message|null). */
function bridge_get_json(array $settings, $path)
{
    if (!bridge_url_usable($settings['bridgeUrl']) || $settings['bridgeToken'] === '') {
        $e = proxy_error('bridge_not_configured', array());
        return array($e[0], null, $e[1]['error']['message']);
    }
    $result = bridge_result($settings, bridge_call($settings, 'GET', $path));
    if (is_array($result[1])) {
        return array($result[0], null, $result[1]['error']['message']);
    }
    $json = json_decode($result[1], true);
    if ($result[0] !== 200) {
        $message = isset($json['error']['message']) ? (string) $json['error']['message'] : 'HTTP ' . $result[0];
        return array($result[0], null, $message);
    }
    return array(200, $json, null);
}

/** What the widget shows; plain data so WHMCS can cache it. */
function widget_data(array $settings)
{
    $sources = bridge_get_json($settings, '/v1/sources');
    $data = array('error' => $sources[2], 'sources' => array(), 'forecast' => null, 'commitments' => null);
    if ($sources[1] !== null && isset($sources[1]['data']) && is_array($sources[1]['data'])) {
        foreach ($sources[1]['data'] as $source) {
            $last = isset($source['lastIncremental']['finishedAt']) ? $source['lastIncremental']['finishedAt']
                : (isset($source['lastFull']['finishedAt']) ? $source['lastFull']['finishedAt'] : null);
            $data['sources'][] = array(
                'name' => isset($source['name']) ? (string) $source['name'] : '',
                'state' => isset($source['state']) ? (string) $source['state'] : 'unknown',
                'lastSync' => $last,
                'error' => isset($source['lastError']['title']) ? (string) $source['lastError']['title'] : null,
            );
        }
    }
    $operations = operations();
    foreach (array('forecast', 'commitments') as $op) {
        if (isset($operations[$op]) && $sources[1] !== null) {
            $answer = bridge_get_json($settings, $operations[$op]['path']);
            $data[$op] = $answer[0] === 200 ? $answer[1] : null;
        }
    }
    return $data;
}

/** The widget's HTML: every value from the bridge escaped. */
function widget_html($data)
{
    $link = 'addonmodules.php?module=' . MODULE_NAME;
    $labels = array('ok' => 'success', 'syncing' => 'info', 'failing' => 'danger', 'never_synced' => 'warning');
    $html = '<div class="widget-content-padded cf-widget">';
    if (!empty($data['error'])) {
        $html .= '<div class="alert alert-warning">' . h($data['error']) . '</div>';
    }
    if (!empty($data['sources'])) {
        $html .= '<table class="table table-condensed"><tbody>';
        foreach ($data['sources'] as $source) {
            $label = isset($labels[$source['state']]) ? $labels[$source['state']] : 'default';
            $html .= '<tr><td>' . h($source['name']) . ($source['error'] ? '<br><small class="text-danger">' . h($source['error']) . '</small>' : '')
                . '</td><td class="text-right"><span class="label label-' . $label . '">' . h(str_replace('_', ' ', $source['state'])) . '</span>'
                . ($source['lastSync'] ? '<br><small class="text-muted">as of ' . h($source['lastSync']) . '</small>' : '') . '</td></tr>';
        }
        $html .= '</tbody></table>';
    }
    if ($data['forecast'] === null) {
        $html .= '<p class="text-muted small">Forecast against commitments: this bridge does not serve a forecast yet.</p>';
    } else {
        $html .= widget_forecast_html($data['forecast'], $data['commitments']);
    }
    $html .= '<a class="btn btn-default btn-sm" href="' . h($link) . '">Open the Commitment Forecaster</a></div>';
    return $html;
}

/** The next three months of forecast (all sources, per currency), with its p10-p90 range, as text. */
function widget_forecast_html($forecast, $commitments)
{
    $rows = array();
    $periods = array();
    $monthly = isset($forecast['monthly']) && is_array($forecast['monthly']) ? $forecast['monthly'] : array();
    foreach ($monthly as $row) {
        if (!is_array($row) || !isset($row['period'], $row['currency'], $row['expected']) || (isset($row['source']) && $row['source'] !== 'all')) {
            continue;
        }
        $periods[$row['period']] = true;
        if (count($periods) > 3) {
            break;
        }
        $rows[] = $row;
    }
    if (!$rows) {
        return '<p class="text-muted small">No forecast for the coming months.</p>';
    }
    $html = '<table class="table table-condensed"><thead><tr><th>Month</th><th class="text-right">Expected</th><th class="text-right">p10 &ndash; p90</th></tr></thead><tbody>';
    foreach ($rows as $row) {
        $html .= '<tr><td>' . h($row['period']) . '</td><td class="text-right">' . h($row['expected'] . ' ' . $row['currency'])
            . '</td><td class="text-right small">' . h((isset($row['p10']) ? $row['p10'] : '') . ' – ' . (isset($row['p90']) ? $row['p90'] : '')) . '</td></tr>';
    }
    $html .= '</tbody></table>';
    if ($commitments === null) {
        $html .= '<p class="text-muted small">Commitments: this bridge does not serve them yet.</p>';
    }
    return $html;
}
