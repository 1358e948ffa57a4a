<?php
/**
 * WHMCS hooks of the Commitment Forecaster: a widget on the admin dashboard, and a daily cron
 * task that turns the bridge's alerts into WHMCS notifications. Both call the bridge from the
 * server with the module's settings; neither stops WHMCS when the bridge is away.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/load.php';

if (class_exists('\\WHMCS\\Module\\AbstractWidget')) {
    /** The dashboard widget: sources' health, and forecast against commitments where the bridge has them. */
    class CommitmentForecasterWidget extends \WHMCS\Module\AbstractWidget
    {
        protected $title = 'Commitment Forecaster';
        protected $description = 'Sources\' health and the next three months of forecast against commitments';
        protected $weight = 150;
        protected $columns = 1;
        protected $cache = true;
        protected $cacheExpiry = 300;
        protected $requiredPermission = '';

        public function getData()
        {
            return \CommitmentForecaster\widget_data(\CommitmentForecaster\stored_settings());
        }

        public function generateOutput($data)
        {
            return \CommitmentForecaster\widget_html($data);
        }
    }

    add_hook('AdminHomeWidgets', 1, function () {
        return new CommitmentForecasterWidget();
    });
}

add_hook('DailyCronJob', 1, function ($vars) {
    \CommitmentForecaster\raise_alert_notifications(\CommitmentForecaster\stored_settings());
});
