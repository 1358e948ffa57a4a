<?php
/*
 * The two WHMCS classes the module touches, reduced to what it calls: Capsule's query builder
 * (table -> where -> value/get) over the harness's state, and the dashboard widget base class.
 */

namespace WHMCS\Database {
    class HarnessQuery
    {
        private $table;
        private $rows;

        public function __construct($table, array $rows)
        {
            $this->table = $table;
            $this->rows = $rows;
        }

        public function where($column, $value)
        {
            return new HarnessQuery($this->table, array_values(array_filter($this->rows, function ($row) use ($column, $value) {
                return isset($row[$column]) && (string) $row[$column] === (string) $value;
            })));
        }

        /** Laravel's updateOrInsert, written through to the harness's state file. */
        public function updateOrInsert(array $match, array $values)
        {
            harness_update_table($this->table, $match, $values);
            return true;
        }

        public function value($column)
        {
            return isset($this->rows[0][$column]) ? $this->rows[0][$column] : null;
        }

        public function get()
        {
            return array_map(function ($row) {
                return (object) $row;
            }, $this->rows);
        }
    }

    class Capsule
    {
        public static function table($name)
        {
            $state = harness_state();
            return new HarnessQuery($name, isset($state[$name]) ? $state[$name] : array());
        }
    }
}

namespace WHMCS\Module {
    abstract class AbstractWidget
    {
        protected $title = '';
        protected $description = '';
        protected $weight = 100;
        protected $columns = 1;
        protected $cache = false;
        protected $cacheExpiry = 3600;
        protected $requiredPermission = '';

        abstract public function getData();

        abstract public function generateOutput($data);

        public function getTitle()
        {
            return $this->title;
        }
    }
}
