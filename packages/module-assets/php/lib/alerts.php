<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/** What each kind of bridge alert is called in a WHMCS notification. */
function alert_titles()
{
    return array(
        'notice_deadline' => 'Notice deadline coming',
        'renewal' => 'Commitment renews',
        'commitment_end' => 'Commitment ends',
        'cash_low' => 'Cash forecast below threshold',
    );
}

/**
 * Raises one WHMCS notification per new alert the bridge reports (WHMCS's Notifications send them
 * on to email, Slack and so on, by the rules an admin sets for "Commitment Forecaster alert").
 * Alerts carry a stable id; the ids already raised are remembered in the module's settings, so a
 * daily run raises each alert once. A bridge without alerts, or one that is away, raises nothing
 * (the second is noted in the activity log). Returns the number of notifications raised.
 */
function raise_alert_notifications(array $settings)
{
    $operations = operations();
    $path = isset($operations['alerts']) ? $operations['alerts']['path'] : '/v1/alerts';
    $answer = bridge_get_json($settings, $path);
    if ($answer[1] === null) {
        if ($answer[0] !== 404 && function_exists('logActivity')) {
            logActivity('Commitment Forecaster: could not read the bridge\'s alerts: ' . $answer[2]);
        }
        return 0;
    }
    $alerts = isset($answer[1]['data']) && is_array($answer[1]['data']) ? $answer[1]['data'] : array();
    $seen = raised_alert_ids();
    $titles = alert_titles();
    $raised = 0;
    foreach ($alerts as $alert) {
        if (!is_array($alert) || !function_exists('localAPI')) {
            continue;
        }
        $id = isset($alert['id']) ? (string) $alert['id'] : '';
        if ($id !== '' && in_array($id, $seen, true)) {
            continue;
        }
        $kind = isset($alert['kind']) ? (string) $alert['kind'] : '';
        $severity = isset($alert['severity']) ? (string) $alert['severity'] : 'warning';
        localAPI('TriggerNotificationEvent', array(
            'notification_identifier' => 'commitment_forecaster.alert',
            'title' => isset($titles[$kind]) ? $titles[$kind] : 'Commitment Forecaster alert',
            'message' => isset($alert['reason']) ? (string) $alert['reason'] : '',
            'url' => 'addonmodules.php?module=' . MODULE_NAME . '#/commitments',
            'status' => ucfirst($severity),
            'statusStyle' => $severity === 'critical' ? 'danger' : ($severity === 'info' ? 'info' : 'warning'),
        ));
        if ($id !== '') {
            $seen[] = $id;
        }
        $raised++;
    }
    if ($raised > 0) {
        remember_alert_ids($seen);
    }
    return $raised;
}

/** The alert ids raised before (kept in the module's settings; the newest 500). */
function raised_alert_ids()
{
    if (!class_exists('\\WHMCS\\Database\\Capsule')) {
        return array();
    }
    $value = \WHMCS\Database\Capsule::table('tbladdonmodules')->where('module', MODULE_NAME)->where('setting', 'raisedAlerts')->value('value');
    $ids = is_string($value) ? json_decode($value, true) : null;
    return is_array($ids) ? array_values(array_filter($ids, 'is_string')) : array();
}

function remember_alert_ids(array $ids)
{
    if (class_exists('\\WHMCS\\Database\\Capsule')) {
        \WHMCS\Database\Capsule::table('tbladdonmodules')->updateOrInsert(
            array('module' => MODULE_NAME, 'setting' => 'raisedAlerts'),
            array('value' => json_encode(array_slice($ids, -500)))
        );
    }
}
