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
    $data = array('error' => $sources[2], 'sources' => array(), 'forecast' => null, 'net' => null);
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
    // The revenue forecast and the commitments of the next three months (each null when this
    // bridge does not serve it yet).
    $operations = operations();
    foreach (array('forecast' => 'forecast', 'net' => 'netForecast') as $key => $op) {
        if (isset($operations[$op]) && $sources[1] !== null) {
            $answer = bridge_get_json($settings, $operations[$op]['path'] . '?months=3');
            $data[$key] = $answer[0] === 200 ? $answer[1] : null;
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
    $html .= widget_outlook_html(widget_outlook($data['forecast'], $data['net']), $data['forecast'] !== null, $data['net'] !== null);
    $html .= '<a class="btn btn-default btn-sm" href="' . h($link) . '">Open the Commitment Forecaster</a></div>';
    return $html;
}

/**
 * The next three months per currency: the revenue forecast (all sources, p10-p90) beside the
 * commitments due, and whether the p10 revenue falls short of them. array(month|currency => row).
 */
function widget_outlook($forecast, $net)
{
    $rows = array();
    $row = function ($month, $currency) use (&$rows) {
        $key = $month . '|' . $currency;
        if (!isset($rows[$key])) {
            $rows[$key] = array('month' => $month, 'currency' => $currency, 'expected' => null, 'p10' => null, 'p90' => null, 'costs' => null, 'short' => null);
        }
        return $key;
    };
    $monthly = isset($forecast['monthly']) && is_array($forecast['monthly']) ? $forecast['monthly'] : array();
    foreach ($monthly as $point) {
        if (!is_array($point) || !isset($point['period'], $point['currency'], $point['expected']) || (isset($point['source']) && $point['source'] !== 'all')) {
            continue;
        }
        $key = $row((string) $point['period'], (string) $point['currency']);
        $rows[$key]['expected'] = (string) $point['expected'];
        $rows[$key]['p10'] = isset($point['p10']) ? (string) $point['p10'] : null;
        $rows[$key]['p90'] = isset($point['p90']) ? (string) $point['p90'] : null;
    }
    $lines = isset($net['data']) && is_array($net['data']) ? $net['data'] : array();
    foreach ($lines as $line) {
        if (!is_array($line) || !isset($line['month'], $line['currency'], $line['costs'])) {
            continue;
        }
        $key = $row((string) $line['month'], (string) $line['currency']);
        $rows[$key]['costs'] = (string) $line['costs'];
        $rows[$key]['short'] = isset($line['p10Shortfall']) ? (bool) $line['p10Shortfall'] : null;
    }
    ksort($rows);
    $months = array_slice(array_values(array_unique(array_map(function ($r) {
        return $r['month'];
    }, $rows))), 0, 3);
    return array_values(array_filter($rows, function ($r) use ($months) {
        return in_array($r['month'], $months, true);
    }));
}

function widget_outlook_html(array $rows, $hasForecast, $hasCommitments)
{
    $html = '';
    if (!$hasForecast) {
        $html .= '<p class="text-muted small">Forecast: this bridge does not serve a forecast yet.</p>';
    }
    if (!$hasCommitments) {
        $html .= '<p class="text-muted small">Commitments: this bridge does not serve them yet.</p>';
    }
    if (!$rows) {
        return $html . '<p class="text-muted small">No forecast or commitments for the coming months.</p>';
    }
    $html .= '<table class="table table-condensed cf-widget-outlook"><thead><tr><th>Month</th><th class="text-right">Forecast</th>'
        . '<th class="text-right">p10 &ndash; p90</th><th class="text-right">Committed</th></tr></thead><tbody>';
    foreach ($rows as $r) {
        $money = function ($v) use ($r) {
            return $v === null ? '&mdash;' : h($v . ' ' . $r['currency']);
        };
        $html .= '<tr' . ($r['short'] ? ' class="danger" title="The p10 revenue does not cover the commitments"' : '') . '>'
            . '<td>' . h($r['month']) . '</td><td class="text-right">' . $money($r['expected']) . '</td>'
            . '<td class="text-right small">' . ($r['p10'] === null ? '&mdash;' : h($r['p10'] . ' – ' . $r['p90'])) . '</td>'
            . '<td class="text-right">' . $money($r['costs']) . ($r['short'] ? ' <span class="label label-danger">short</span>' : '') . '</td></tr>';
    }
    return $html . '</tbody></table>';
}
